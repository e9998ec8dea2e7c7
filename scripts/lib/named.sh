# SPDX-License-Identifier: GPL-3.0-or-later
# Running named and dmsd for the sandbox (tests start their own, see tests/support).
# Source it; do not run it.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The address for a server: 127.0.0.N added to lo when we are root (removed by
# lo_address_remove), else 127.0.0.1 (servers then differ by port). DMS_SANDBOX_NET
# (default 127.0.0) replaces the first three parts, so that a second sandbox (a system
# test's) can run beside the first: DMS_SANDBOX_NET=127.0.9 gives 127.0.9.N.
lo_address() {
    local n=$1 net=${DMS_SANDBOX_NET:-127.0.0}
    if [[ $(id -u) == 0 ]] && command -v ip >/dev/null; then
        if ! ip -4 addr show dev lo | grep -q "inet $net.$n/"; then
            timeout 10 ip addr add "$net.$n/32" dev lo 2>/dev/null || { echo 127.0.0.1; return; }
        fi
        echo "$net.$n"
    else
        echo 127.0.0.1
    fi
}

lo_address_remove() {
    local addr=$1
    [[ $addr == 127.0.0.1 ]] && return 0
    if [[ $(id -u) == 0 ]] && ip -4 addr show dev lo | grep -q "inet $addr/"; then
        ip addr del "$addr/32" dev lo 2>/dev/null || true
    fi
}

# A port free on ADDR: the wanted one if nothing listens there, else a random one. On
# 127.0.0.1 (no address of its own: not root, or lo refused the address) always a random
# one: the servers share that address, and their ports are chosen before any listens.
port_on() {
    local addr=$1 want=$2
    if [[ $addr != 127.0.0.1 ]] \
        && ! ss -Htlnu "sport = :$want" 2>/dev/null | grep -q "$addr:$want\|\*:$want\|0.0.0.0:$want"; then
        echo "$want"
    else
        free_port
    fi
}

# pid_alive PIDFILE: exit 0 if the process in PIDFILE runs.
pid_alive() {
    local pid
    pid=$(head -n 1 "$1" 2>/dev/null) || return 1
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# stop_pid PIDFILE NAME: SIGTERM, wait up to 20 s, then SIGKILL.
stop_pid() {
    local file=$1 name=$2 pid i
    pid_alive "$file" || { rm -f "$file"; return 0; }
    pid=$(head -n 1 "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 200); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        note "$name did not stop in 20 s: killed"
    fi
    rm -f "$file"
}

# wait_until SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds.
wait_until() {
    local limit=$1 i; shift
    for i in $(seq 1 $((limit * 10))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}
