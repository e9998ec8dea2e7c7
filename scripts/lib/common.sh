# SPDX-License-Identifier: GPL-3.0-or-later
# Shared shell helpers for scripts/. Source it; do not run it.

DMS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DMS_BUILD=${DMS_BUILD:-$DMS_TOP/build}

# Configure the build directory (Ninja; BUILD_TYPE, default RelWithDebInfo).
dms_configure() {
    cmake -S "$DMS_TOP" -B "$DMS_BUILD" -G Ninja \
        -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
}

die() { echo "${0##*/}: $*" >&2; exit 1; }
note() { echo "${0##*/}: $*" >&2; }

# A TCP port on 127.0.0.1 that nothing listens on now (random start, checked with ss).
# Below the kernel's ephemeral range when there is room (Linux: from 32768): a port in
# it may be some client's source port by the time the server binds it.
free_port() {
    local port tries=0 low=60000 span=40000
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=60000
    if (( low > 25000 && low <= 60000 )); then span=$(( low - 20000 )); fi
    while (( tries++ < 200 )); do
        port=$(( 20000 + RANDOM % span ))
        if ! ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then
            echo "$port"; return 0
        fi
    done
    return 1
}

# Run a command as the unprivileged owner of server data when we are root
# (initdb and postgres refuse to run as root).
as_owner() {
    if [[ $(id -u) == 0 ]]; then
        runuser -u "${DMS_DATA_OWNER:-postgres}" -- "$@"
    else
        "$@"
    fi
}
