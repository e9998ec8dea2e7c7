# SPDX-License-Identifier: GPL-3.0-or-later
# A private PostgreSQL cluster in a directory, on 127.0.0.1 and a free port.
# Used by scripts/sandbox and by the test harness (scripts/pg-cluster).
#
#   pg_start DIR AUTH   AUTH = trust (tests) | scram (sandbox: password over TCP)
#   pg_stop DIR
#   pg_running DIR      exit 0 if the cluster in DIR runs
# DIR/port holds the port; DIR/run is the unix socket directory; DIR/log the log. A
# cluster started again gets the port it had (clients keep their configuration) unless
# something else took it meanwhile.
# The superuser is "dms_admin", reachable without password on the unix socket.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pg_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -x $d/initdb ]] || return 1
    echo "$d"
}

pg_running() {
    local dir=$1 bin
    bin=$(pg_bindir) || return 1
    [[ -f $dir/data/PG_VERSION ]] || return 1
    as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

pg_start() {
    local dir=$1 auth=${2:-trust} bin port try
    local extra=""
    if [[ $auth == trust ]]; then
        extra="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    bin=$(pg_bindir) || { echo "PostgreSQL server binaries not found (install postgresql)" >&2; return 1; }
    mkdir -p "$dir/run"
    if [[ $(id -u) == 0 ]]; then chown -R "${DMS_DATA_OWNER:-postgres}" "$dir"; fi
    if ! as_owner test -w "$dir"; then
        echo "$dir is not writable by ${DMS_DATA_OWNER:-postgres} (check the parent directories' permissions)" >&2
        return 1
    fi
    if [[ ! -f $dir/data/PG_VERSION ]]; then
        local host_auth=trust
        if [[ $auth == scram ]]; then host_auth=scram-sha-256; fi
        as_owner "$bin/initdb" -D "$dir/data" -U dms_admin -E UTF8 --no-locale \
            --auth-local=trust --auth-host="$host_auth" >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; return 1; }
    fi
    if pg_running "$dir"; then return 0; fi
    local again=""
    if [[ -s $dir/port ]] && ! ss -Htln "sport = :$(cat "$dir/port")" 2>/dev/null | grep -q .; then
        again=$(cat "$dir/port")
    fi
    for try in 1 2 3 4 5; do
        port=${again:-$(free_port)} || return 1
        again=""
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
                -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1 -c max_connections=200 $extra ${DMS_PG_OPTIONS:-}" \
                start >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            return 0
        fi
    done
    echo "PostgreSQL did not start; last lines of $dir/log:" >&2
    tail -n 20 "$dir/log" >&2
    return 1
}

pg_stop() {
    local dir=$1 bin
    bin=$(pg_bindir) || return 0
    [[ -f $dir/data/PG_VERSION ]] || return 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# psql as the superuser over the unix socket: pg_psql DIR DBNAME [psql args...]
pg_psql() {
    local dir=$1 db=$2; shift 2
    psql -X -q -v ON_ERROR_STOP=1 -h "$dir/run" -p "$(cat "$dir/port")" -U dms_admin -d "$db" "$@"
}

pg_pid() {
    head -n 1 "$1/data/postmaster.pid" 2>/dev/null
}
