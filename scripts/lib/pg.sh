# SPDX-License-Identifier: GPL-3.0-or-later
# A private PostgreSQL cluster in a directory, on 127.0.0.1 (or another address) and a
# free port; and a hot standby of a primary (the DR replica, REFERENCE.md 10).
# Used by scripts/sandbox, by the test harness (scripts/pg-cluster) and by sbin/ (the
# DR programs use the standby functions with the site's own data directory).
#
#   pg_start DIR AUTH [ADDR]  AUTH = trust (tests) | scram (sandbox: password over TCP);
#                             ADDR = listen address (default $DMS_PG_LISTEN or 127.0.0.1)
#   pg_stop DIR
#   pg_running DIR            exit 0 if the cluster in DIR runs
#   pg_addr DIR               the address the cluster listens on
#   pg_hba_add DIR LINE...    add lines to pg_hba.conf unless there; reload if running
#   pg_replication_role DIR PGPASS   the role dms_replication, password from PGPASS
#   pg_write_pgpass FILE PASSWORD_FILE   a pgpass file (0600, data owner) for it
#   pg_standby_init DIR HOST PORT PGPASS  DIR becomes a hot standby of HOST:PORT
#   pg_seed_standby DATA HOST PORT PGPASS the same for any data directory (sbin/)
#   pg_in_recovery DIR        prints t (standby) or f (primary)
#   pg_standby_streams DIR    exit 0 if the standby (dms_replica) streams from DIR
#   pg_sync_standby DIR NAME  synchronous_standby_names = NAME ("" resets it), reload
# DIR/port holds the port; DIR/addr the address; DIR/run is the unix socket directory;
# DIR/log the log. A cluster started again gets the port it had (clients keep their
# configuration) unless something else took it meanwhile.
# The superuser is "dms_admin", reachable without password on the unix socket.
# Every program runs under `timeout`: a hung server makes a script fail, not hang.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The replication role, the physical slot on the primary and the standby's
# application_name (what synchronous_standby_names names).
DMS_REPL_USER=${DMS_REPL_USER:-dms_replication}
DMS_REPL_SLOT=${DMS_REPL_SLOT:-dms_replica}
DMS_REPL_APP=${DMS_REPL_APP:-dms_replica}

pg_bindir() {
    local d
    if [[ -n ${DMS_PG_BIN:-} ]]; then
        [[ -x $DMS_PG_BIN/pg_ctl ]] || return 1
        echo "$DMS_PG_BIN"; return 0
    fi
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -x $d/initdb ]] || return 1
    echo "$d"
}

pg_running() {
    local dir=$1 bin
    bin=$(pg_bindir) || return 1
    [[ -f $dir/data/PG_VERSION ]] || return 1
    as_owner timeout 30 "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

pg_addr() {
    if [[ -s $1/addr ]]; then cat "$1/addr"; else echo 127.0.0.1; fi
}

pg_start() {
    local dir=$1 auth=${2:-trust} addr=${3:-${DMS_PG_LISTEN:-127.0.0.1}} bin port try
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
        as_owner timeout 120 "$bin/initdb" -D "$dir/data" -U dms_admin -E UTF8 --no-locale \
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
        # pg_ctl -w waits until the server accepts connections (a standby: until it is
        # consistent and hot_standby lets it accept them).
        if as_owner timeout 90 "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
                -o "-p $port -k $dir/run -c listen_addresses=$addr -c max_connections=200 $extra ${DMS_PG_OPTIONS:-}" \
                start >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            echo "$addr" >"$dir/addr"
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
    as_owner timeout 90 "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

# psql as the superuser over the unix socket: pg_psql DIR DBNAME [psql args...]
pg_psql() {
    local dir=$1 db=$2; shift 2
    timeout "${DMS_PSQL_TIMEOUT:-60}" psql -X -q -v ON_ERROR_STOP=1 -h "$dir/run" \
        -p "$(cat "$dir/port")" -U dms_admin -d "$db" "$@"
}

pg_pid() {
    head -n 1 "$1/data/postmaster.pid" 2>/dev/null
}

# pg_hba_add DIR LINE...: each LINE appended to DIR/data/pg_hba.conf unless it is there
# already; a running cluster reloads. (pg_hba.conf is in the data directory, so a
# standby made by pg_basebackup gets the primary's.)
pg_hba_add() {
    local dir=$1 line hba changed="" bin; shift
    hba=$dir/data/pg_hba.conf
    [[ -f $hba ]] || { echo "no $hba" >&2; return 1; }
    for line in "$@"; do
        if ! grep -qxF "$line" "$hba"; then
            printf '%s\n' "$line" >>"$hba"
            changed=1
        fi
    done
    if [[ -n $changed ]] && pg_running "$dir"; then
        bin=$(pg_bindir)
        as_owner timeout 30 "$bin/pg_ctl" -D "$dir/data" reload >/dev/null
    fi
}

# pg_replication_role DIR PGPASS: on the primary in DIR, the role the standby connects
# as (LOGIN REPLICATION, nothing else), its password the one in the pgpass file PGPASS
# (fifth field). The password reaches psql on stdin, never on a command line.
pg_replication_role() {
    local dir=$1 pgpass=$2
    if [[ $(pg_psql "$dir" postgres -At -c \
            "SELECT 1 FROM pg_roles WHERE rolname = '$DMS_REPL_USER'") != 1 ]]; then
        pg_psql "$dir" postgres -c "CREATE ROLE $DMS_REPL_USER LOGIN REPLICATION"
    fi
    pg_set_password "$dir" "$DMS_REPL_USER" "$(head -n 1 "$pgpass" | cut -d: -f5-)"
}

# pg_set_password DIR ROLE PASSWORD: ALTER ROLE ... PASSWORD on the cluster in DIR. The
# password reaches psql in its environment (\getenv, psql 15), never on its command line,
# where any user could read it (ps, /proc/PID/cmdline).
pg_set_password() {
    local dir=$1 role=$2
    DMS_PG_NEW_PASSWORD=$3 pg_psql "$dir" postgres >/dev/null <<SQL
\getenv pw DMS_PG_NEW_PASSWORD
ALTER ROLE "$role" PASSWORD :'pw';
SQL
}

# pg_write_pgpass FILE PASSWORD_FILE: a pgpass file for the replication role (any host,
# port and database), mode 0600 and owned by the data owner: the standby's WAL receiver
# (running as the data owner) reads it through primary_conninfo's passfile=.
pg_write_pgpass() {
    local file=$1 pwfile=$2 pw
    pw=$(head -n 1 "$pwfile")
    [[ $pw != *[:\\]* ]] || { echo "the replication password must not contain : or \\" >&2; return 1; }
    (umask 077; printf '*:*:*:%s:%s\n' "$DMS_REPL_USER" "$pw" >"$file.tmp")
    if [[ $(id -u) == 0 ]]; then chown "${DMS_DATA_OWNER:-postgres}" "$file.tmp"; fi
    mv "$file.tmp" "$file"
}

# pg_standby_init DIR HOST PORT PGPASS: the cluster in DIR (stopped, or never made)
# becomes a hot standby of the primary at HOST:PORT. DIR/data is replaced.
pg_standby_init() {
    local dir=$1 host=$2 port=$3 pgpass=$4
    if pg_running "$dir"; then echo "the cluster in $dir runs: stop it first" >&2; return 1; fi
    mkdir -p "$dir/run"
    if [[ $(id -u) == 0 ]]; then chown "${DMS_DATA_OWNER:-postgres}" "$dir" "$dir/run"; fi
    rm -rf "$dir/data"
    pg_seed_standby "$dir/data" "$host" "$port" "$pgpass"
}

# pg_seed_standby DATA HOST PORT PGPASS: pg_basebackup of the primary HOST:PORT into the
# empty (or missing) data directory DATA, as the data owner, WAL streamed alongside
# (-X stream) so the copy is consistent by itself. The physical slot DMS_REPL_SLOT keeps
# the primary's WAL until the standby has it; a slot of that name left by an earlier
# run is dropped first (refused if a standby still uses it), so running again is safe.
# The standby's settings go into DATA/postgresql.auto.conf (what pg_basebackup -R would
# do, but -R writes the password read from the passfile into primary_conninfo):
# standby.signal, primary_conninfo with passfile= and application_name, the slot,
# hot_standby = on. synchronous_standby_names copied from the primary's ALTER SYSTEM is
# removed: the standby, once promoted, must not wait for a standby of its own.
# DMS_BASEBACKUP_TIMEOUT (default 120 s) bounds the copy.
pg_seed_standby() {
    local data=$1 host=$2 port=$3 pgpass=$4 bin conninfo out owner=${DMS_DATA_OWNER:-postgres}
    bin=$(pg_bindir) || { echo "PostgreSQL binaries not found" >&2; return 1; }
    [[ $data$host$port$pgpass != *[[:space:]\'\\]* ]] \
        || { echo "pg_seed_standby: no spaces, quotes or backslashes in paths and hosts" >&2; return 1; }
    [[ -s $pgpass ]] || { echo "no pgpass file $pgpass" >&2; return 1; }
    if [[ -e $data && -n $(ls -A "$data") ]]; then
        echo "$data is not empty" >&2; return 1
    fi
    if ! as_owner test -r "$pgpass"; then
        echo "$pgpass cannot be read by the data owner $owner" >&2; return 1
    fi
    conninfo="host=$host port=$port user=$DMS_REPL_USER passfile=$pgpass application_name=$DMS_REPL_APP"
    if ! out=$(as_owner timeout 60 "$bin/pg_receivewal" --drop-slot -S "$DMS_REPL_SLOT" \
            --no-password -d "$conninfo" 2>&1); then
        if ! grep -q 'does not exist' <<<"$out"; then
            echo "dropping the old slot $DMS_REPL_SLOT on $host:$port: $out" >&2
            return 1
        fi
    fi
    if ! out=$(as_owner timeout "${DMS_BASEBACKUP_TIMEOUT:-120}" "$bin/pg_basebackup" \
            -D "$data" -d "$conninfo" -X stream -C -S "$DMS_REPL_SLOT" -c fast \
            --no-password 2>&1); then
        echo "pg_basebackup from $host:$port: $out" >&2
        return 1
    fi
    local auto=$data/postgresql.auto.conf
    {
        grep -Ev '^[[:space:]]*(primary_conninfo|primary_slot_name|hot_standby|synchronous_standby_names)[[:space:]]*=' \
            "$auto" || true
        echo "# The DR standby (scripts/lib/pg.sh pg_seed_standby): streams from $host:$port."
        echo "primary_conninfo = '$conninfo'"
        echo "primary_slot_name = '$DMS_REPL_SLOT'"
        echo "hot_standby = on"
    } >"$auto.tmp"
    : >"$data/standby.signal"
    if [[ $(id -u) == 0 ]]; then chown "$owner" "$auto.tmp" "$data/standby.signal"; fi
    chmod 600 "$auto.tmp" "$data/standby.signal"
    mv "$auto.tmp" "$auto"
}

pg_in_recovery() {
    pg_psql "$1" postgres -At -c 'SELECT pg_is_in_recovery()'
}

# pg_standby_streams DIR: the primary in DIR has the standby DMS_REPL_APP streaming.
pg_standby_streams() {
    [[ $(pg_psql "$1" postgres -At -c "SELECT state FROM pg_stat_replication
        WHERE application_name = '$DMS_REPL_APP'") == streaming ]]
}

# pg_sync_standby DIR NAME: commits on the primary in DIR wait for the standby NAME
# (synchronous replication); NAME "" resets it (commits wait for no one).
pg_sync_standby() {
    local dir=$1 name=$2
    if [[ -n $name ]]; then
        pg_psql "$dir" postgres -v n="$name" <<<"ALTER SYSTEM SET synchronous_standby_names = :'n';"
    else
        pg_psql "$dir" postgres -c 'ALTER SYSTEM RESET synchronous_standby_names'
    fi
    pg_psql "$dir" postgres -At -c 'SELECT pg_reload_conf()' >/dev/null
}
