# SPDX-License-Identifier: GPL-3.0-or-later
# Shared code of the DR programs in sbin/ (REFERENCE.md 10.2). Source it; do not run it.
#
# The site's settings come from ${DMS_DR_CONF:-/etc/dms/dr.conf}, a bash file of
# KEY=VALUE lines that may also define the hook functions below (etc/dr.conf.sample
# lists every setting). Defaults here are for a Debian 12 host with the PostgreSQL
# cluster 15/dms, named from the bind9 package and dmsd as a systemd service.
#
# Hooks (each may be redefined in dr.conf; the defaults use systemctl):
#   dr_start_pg, dr_stop_pg, dr_pg_running    PostgreSQL of this site
#   dr_start_named ROLE                       named with the master or the replica config
#   dr_stop_named, dr_named_running, dr_named_role (prints master|replica)
#   dr_start_dmsd, dr_stop_dmsd, dr_dmsd_running
# A start hook fails (non-zero) when the thing did not start and prints why;
# dr_start_dmsd's output then contains dmsd's own message, e.g. "fenced".
#
# Every external program runs under `timeout`, by argv (no shell strings, no passwords
# on any command line).

source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/pg.sh"

DMS_DR_CONF=${DMS_DR_CONF:-/etc/dms/dr.conf}

# Settings and their defaults.
DMS_CONFIG=/etc/dms/dms.conf                 # this site's dms.conf
ZONE_TOOL=zone_tool                          # zone_tool program
PG_VERSION=15
PG_CLUSTER=dms
PG_BIN=                                      # default /usr/lib/postgresql/PG_VERSION/bin
PG_DATA=                                     # data directory, default /var/lib/postgresql/PG_VERSION/PG_CLUSTER
PG_OWNER=postgres                            # owner of PG_DATA; psql runs as this user
PG_SOCKET=/var/run/postgresql                # the superuser's way in: unix socket dir
PG_PORT=5432
PG_SUPERUSER=postgres
PG_SERVICE=                                  # default postgresql@PG_VERSION-PG_CLUSTER
DR_PARTNER=                                  # the other site's PostgreSQL, HOST[:PORT]
REPL_USER=dms_replication                    # replication role (LOGIN REPLICATION)
REPL_PASSFILE=/etc/dms/pgpass-replication    # its password, pgpass format, 0600, PG_OWNER
REPL_SLOT=dms_replica                        # physical slot on the master
REPL_APP=dms_replica                         # the standby's application_name
NAMED_SERVICE=named                          # bind9.service is an alias of it on Debian 12
NAMED_BIN=/usr/sbin/named
NAMED_MASTER_CONF=/etc/dms/bind/named.conf
NAMED_REPLICA_CONF=/etc/dms/bind/named-dr-replica.conf
NAMED_DROPIN=                                # default /etc/systemd/system/NAMED_SERVICE.service.d/dms-dr.conf
NAMED_DYNAMIC_DIR=/var/lib/bind/dynamic      # zone files: master_dyndns_dir
NAMED_RSYNC_DIR=/var/lib/dms/rsync-config    # where the master rsyncs bind9-replica.conf
DMSD_SERVICE=dmsd
DR_TIMEOUT=120                               # seconds any wait may last
DR_BASEBACKUP_TIMEOUT=3600                   # seconds pg_basebackup may take
DR_REQUIRE_ROOT=yes
DR_LOCK=/run/lock/dms-dr.lock                # one DR program at a time

dr_start_pg() { dr_run systemctl start "$PG_SERVICE"; }
dr_stop_pg() { dr_run systemctl stop "$PG_SERVICE"; }
dr_pg_running() { pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

# named's config is chosen by a systemd drop-in replacing ExecStart (Debian's unit
# runs `named -f $OPTIONS`; /etc/default/named keeps -u bind there).
dr_start_named() {
    local conf
    conf=$(dr_named_conf "$1") || return 1
    mkdir -p "$(dirname "$NAMED_DROPIN")"
    cat >"$NAMED_DROPIN.tmp" <<DROPIN
# Written by the dms DR programs (sbin/): named runs with the $1 config of this site.
[Service]
ExecStart=
ExecStart=$NAMED_BIN -f \$OPTIONS -c $conf
DROPIN
    mv "$NAMED_DROPIN.tmp" "$NAMED_DROPIN"
    dr_run systemctl daemon-reload && dr_run systemctl restart "$NAMED_SERVICE"
}
dr_stop_named() { dr_run systemctl stop "$NAMED_SERVICE"; }
dr_named_running() { dr_run systemctl is-active --quiet "$NAMED_SERVICE"; }
dr_named_role() {
    dr_named_running || return 1
    if grep -q -- "-c $NAMED_MASTER_CONF\$" "$NAMED_DROPIN" 2>/dev/null; then echo master
    elif grep -q -- "-c $NAMED_REPLICA_CONF\$" "$NAMED_DROPIN" 2>/dev/null; then echo replica
    fi
}

# dmsd is enabled on the master site only, so that a rebooted replica does not start it.
# systemctl start returns before dmsd has checked fencing: its state a few seconds
# later tells, and the journal why.
dr_start_dmsd() {
    dr_run systemctl enable --quiet "$DMSD_SERVICE" || return 1
    dr_run systemctl start "$DMSD_SERVICE" || { dr_dmsd_journal; return 1; }
    sleep 3
    if ! dr_dmsd_running; then dr_dmsd_journal; return 1; fi
}
dr_dmsd_journal() {
    dr_run journalctl -u "$DMSD_SERVICE" -n 10 -o cat --no-pager 2>&1 || true
}
dr_stop_dmsd() {
    dr_run systemctl disable --quiet "$DMSD_SERVICE"
    dr_run systemctl stop "$DMSD_SERVICE"
}
dr_dmsd_running() { dr_run systemctl is-active --quiet "$DMSD_SERVICE"; }

# --- helpers ---------------------------------------------------------------------

# dr_run PROGRAM ARGS...: PROGRAM with a time limit.
dr_run() { timeout "$DR_TIMEOUT" "$@"; }

# pg_as_owner PROGRAM ARGS...: as the data owner (root changes user), time-limited.
pg_as_owner() {
    if [[ $(id -u) == 0 && $PG_OWNER != root ]]; then
        timeout "$DR_TIMEOUT" runuser -u "$PG_OWNER" -- "$@"
    else
        timeout "$DR_TIMEOUT" "$@"
    fi
}

# dr_psql ARGS...: psql as the superuser on the unix socket, one value per line.
dr_psql() {
    pg_as_owner psql -X -q -At -v ON_ERROR_STOP=1 -h "$PG_SOCKET" -p "$PG_PORT" \
        -U "$PG_SUPERUSER" -d postgres "$@"
}

dr_pg_ready() {
    timeout 10 "$PG_BIN/pg_isready" -q -h "$PG_SOCKET" -p "$PG_PORT" -t 5
}

dr_in_recovery() { dr_psql -c 'SELECT pg_is_in_recovery()'; }

# dr_named_conf ROLE: the named config of ROLE.
dr_named_conf() {
    case $1 in
    master) echo "$NAMED_MASTER_CONF" ;;
    replica) echo "$NAMED_REPLICA_CONF" ;;
    *) echo "named role: master or replica, not '$1'" >&2; return 1 ;;
    esac
}

# zt ARGS...: zone_tool with this site's dms.conf.
zt() { dr_run "$ZONE_TOOL" -c "$DMS_CONFIG" "$@"; }

# partner_host / partner_port: DR_PARTNER split (HOST, HOST:PORT or [V6]:PORT).
partner_host() {
    local p=${1:-$DR_PARTNER}
    if [[ $p == \[*\]* ]]; then p=${p#[}; echo "${p%%]*}"; return; fi
    if [[ $p == *:*:* ]]; then echo "$p"; return; fi  # a bare IPv6 address
    echo "${p%%:*}"
}
partner_port() {
    local p=${1:-$DR_PARTNER}
    if [[ $p == \[*\]:* ]]; then echo "${p##*:}"; return; fi
    if [[ $p != *:*:* && $p == *:* ]]; then echo "${p##*:}"; return; fi
    echo 5432
}

# --- output, confirmation, options -------------------------------------------------

DR_T0=$EPOCHREALTIME
DR_STEP=$EPOCHREALTIME

# elapsed SINCE: seconds since an $EPOCHREALTIME value, one decimal.
elapsed() {
    local now=${EPOCHREALTIME/[.,]/} then=${1/[.,]/}
    local ms=$(( (now - then) / 1000 ))
    printf '%d.%d' $((ms / 1000)) $(( (ms % 1000) / 100 ))
}

# did TEXT: one line of what was done (or found done), with the time the step took.
did() {
    echo "${0##*/}: $* ($(elapsed "$DR_STEP") s)"
    DR_STEP=$EPOCHREALTIME
}

# step: the next step's time starts now (after a confirmation, say).
step() { DR_STEP=$EPOCHREALTIME; }

dr_usage_exit() { echo "$DR_USAGE"; exit "${1:-0}"; }

# dr_options "$@": -f (no confirmation), -h (usage); the rest in DR_ARGS.
DR_FORCE=""
DR_ARGS=()
dr_options() {
    local opt
    OPTIND=1
    while getopts ":fh" opt; do
        case $opt in
        f) DR_FORCE=1 ;;
        h) dr_usage_exit 0 ;;
        *) echo "${0##*/}: unknown option -$OPTARG" >&2; dr_usage_exit 64 >&2 ;;
        esac
    done
    shift $((OPTIND - 1))
    DR_ARGS=("$@")
}

# dr_confirm QUESTION: yes on the terminal, or -f; refuses without a terminal.
dr_confirm() {
    [[ -n $DR_FORCE ]] && { step; return 0; }
    [[ -t 0 ]] || die "no terminal to confirm on: add -f to go ahead without asking"
    local answer
    read -r -p "$1 [y/N] " answer
    [[ $answer == [yY] || $answer == [yY][eE][sS] ]] || die "nothing done"
    step
}

# dr_init: read the settings, check them, take the lock. Call after dr_options.
dr_init() {
    [[ -r $DMS_DR_CONF ]] || die "no settings file $DMS_DR_CONF (see etc/dr.conf.sample; DMS_DR_CONF names another)"
    # shellcheck disable=SC1090
    source "$DMS_DR_CONF"
    PG_BIN=${PG_BIN:-/usr/lib/postgresql/$PG_VERSION/bin}
    PG_DATA=${PG_DATA:-/var/lib/postgresql/$PG_VERSION/$PG_CLUSTER}
    PG_SERVICE=${PG_SERVICE:-postgresql@$PG_VERSION-$PG_CLUSTER}
    NAMED_DROPIN=${NAMED_DROPIN:-/etc/systemd/system/$NAMED_SERVICE.service.d/dms-dr.conf}
    if [[ $DR_REQUIRE_ROOT == yes && $(id -u) != 0 ]]; then
        die "run as root"
    fi
    [[ -x $PG_BIN/pg_ctl ]] || die "no PostgreSQL programs in PG_BIN=$PG_BIN"
    command -v "$ZONE_TOOL" >/dev/null || die "zone_tool not found: ZONE_TOOL=$ZONE_TOOL"
    [[ -r $DMS_CONFIG ]] || die "cannot read DMS_CONFIG=$DMS_CONFIG"
    # What scripts/lib/pg.sh's standby functions use.
    DMS_PG_BIN=$PG_BIN DMS_DATA_OWNER=$PG_OWNER DMS_REPL_USER=$REPL_USER
    DMS_REPL_SLOT=$REPL_SLOT DMS_REPL_APP=$REPL_APP DMS_BASEBACKUP_TIMEOUT=$DR_BASEBACKUP_TIMEOUT
    mkdir -p "$(dirname "$DR_LOCK")"
    exec 9>>"$DR_LOCK"
    # The start hooks get the lock's descriptor closed (9>&-): a daemon they start
    # directly (not through systemd) would otherwise hold the lock as long as it runs.
    flock -n 9 || die "another DR program runs (lock $DR_LOCK)"
    DR_T0=$EPOCHREALTIME
    step
}

# dr_wait_pg: until PostgreSQL accepts connections (bounded by DR_TIMEOUT).
dr_wait_pg() {
    local i
    for ((i = 0; i < DR_TIMEOUT * 2; i++)); do
        dr_pg_ready && return 0
        sleep 0.5
    done
    return 1
}

# dr_ensure_pg: PostgreSQL runs (started if it did not), accepting connections.
dr_ensure_pg() {
    if dr_pg_running && dr_pg_ready; then
        did "PostgreSQL runs already"
        return 0
    fi
    dr_start_pg 9>&- || die "PostgreSQL did not start"
    dr_wait_pg || die "PostgreSQL does not accept connections after ${DR_TIMEOUT} s"
    did "started PostgreSQL"
}

# dr_named ROLE: named runs with ROLE's config (restarted if it runs with the other).
dr_named() {
    local role=$1 now=""
    if dr_named_running; then
        now=$(dr_named_role || true)
        if [[ $now == "$role" ]]; then
            did "named runs with the $role config already"
            return 0
        fi
        dr_stop_named || die "named did not stop"
        did "stopped named${now:+ (the $now config)}"
    fi
    dr_start_named "$role" 9>&- || die "named did not start with the $role config ($(dr_named_conf "$role"))"
    did "started named with the $role config"
}

# dr_dmsd_start: dmsd runs; never --force. Fenced (the database or the partner names
# another master) it refuses, and so does this.
dr_dmsd_start() {
    local out
    if dr_dmsd_running; then
        did "dmsd runs already"
        return 0
    fi
    if ! out=$(dr_start_dmsd 2>&1 9>&-); then
        [[ -n $out ]] && printf '%s\n' "$out" >&2
        if grep -qi fenced <<<"$out"; then
            die "dmsd refuses to start: this site is fenced (another site is the master)." \
                "If that site is down for good, make this one the master again with" \
                "dms_promote_replica on it; to rejoin as the replica: dms_start_as_replica"
        fi
        die "dmsd did not start"
    fi
    did "started dmsd"
}

# dr_stop WHAT: stop a part if it runs (WHAT = dmsd | named | pg).
dr_stop() {
    case $1 in
    dmsd)
        if dr_dmsd_running; then dr_stop_dmsd || die "dmsd did not stop"; did "stopped dmsd"
        else did "dmsd is stopped already"; fi ;;
    named)
        if dr_named_running; then dr_stop_named || die "named did not stop"; did "stopped named"
        else did "named is stopped already"; fi ;;
    pg)
        if dr_pg_running; then dr_stop_pg || die "PostgreSQL did not stop"; did "stopped PostgreSQL"
        else did "PostgreSQL is stopped already"; fi ;;
    esac
}

# dr_wait_master_ready: until zone_tool show_dms_status shows the master READY.
dr_wait_master_ready() {
    local i
    for ((i = 0; i < DR_TIMEOUT; i++)); do
        if zt show_dms_status 2>/dev/null | grep -Eq '^master:[[:space:]]+READY'; then
            return 0
        fi
        sleep 1
    done
    return 1
}
