# SPDX-License-Identifier: GPL-3.0-or-later
# The two sites of the sandbox's DR pair (REFERENCE.md 10). The master site is what
# `scripts/sandbox up` has always run: PostgreSQL in $SANDBOX/pg on 127.0.0.1, named in
# $SANDBOX/master on 127.0.0.2, dmsd with $SANDBOX/dms.conf. The replica site
# (`scripts/sandbox up --replica`): PostgreSQL in $SANDBOX/replica-pg, a hot standby of
# the master's, and named in $SANDBOX/replica, both on 127.0.0.5, with
# $SANDBOX/replica/dms.conf. (DMS_SANDBOX_NET changes the 127.0.0 of the addresses
# named and the replica's PostgreSQL get; without root everything is on 127.0.0.1.)
#
# Either site may hold either role, as after a fail-over. A site whose PostgreSQL is a
# standby runs named with its replica config (zones transferred from the master into
# DIR/dynamic/, the replica SG's config rsynced by the master's dmsd into
# DIR/rsync-config/) and no dmsd; the site whose PostgreSQL is the primary runs named
# with its master config (the same zone files in DIR/dynamic/) and dmsd. The DR
# programs in sbin/ switch a site's role through the hooks of its dr.conf, which call
# `scripts/sandbox site SITE ACTION` (site_action below).
#
# Per site, DIR ($SANDBOX/master or $SANDBOX/replica) holds: ports (addr, dns, rndc,
# rsync), named-master.conf and named-replica.conf, named.role (the config the running
# named has), rndc-site.conf (rndc to this named with rndc-key, whatever its role),
# rsyncd.conf and rsyncd.secrets (0600; modules dnsconf -> rsync-config/ and dnssec ->
# keys/), dynamic/ (zone files), master-config/ (the master includes), named.pid,
# named.log, rsyncd.pid, rsyncd.log.
# Source it after setting SANDBOX and BIND (keys) and sourcing pg.sh and named.sh.

# site_vars SITE: the paths of SITE (master or replica) in S_* variables. Functions
# below call it first; they never hold two sites' variables at once.
site_vars() {
    S_SITE=$1
    case $1 in
    master)
        S_PG=$SANDBOX/pg S_DIR=$SANDBOX/master S_CONF=$SANDBOX/dms.conf S_N=2
        S_DMSD_PID=$SANDBOX/dmsd.pid S_DMSD_LOG=$SANDBOX/dmsd.log
        S_RNDC=$SANDBOX/rndc.conf S_SG_DIR=$SANDBOX/dms-sg S_DRCONF=$SANDBOX/dr.conf
        S_OTHER=replica S_PG_NAME=pg S_DMSD_NAME=dmsd ;;
    replica)
        S_PG=$SANDBOX/replica-pg S_DIR=$SANDBOX/replica S_CONF=$SANDBOX/replica/dms.conf S_N=5
        S_DMSD_PID=$SANDBOX/replica/dmsd.pid S_DMSD_LOG=$SANDBOX/replica/dmsd.log
        S_RNDC=$SANDBOX/replica/rndc.conf S_SG_DIR=$SANDBOX/replica/dms-sg
        S_DRCONF=$SANDBOX/replica/dr.conf S_OTHER=master S_PG_NAME=replica-pg
        S_DMSD_NAME=replica-dmsd ;;
    *) die "no site '$1' (master or replica)" ;;
    esac
}

# site_pg_dir NAME: the PostgreSQL directory $SANDBOX/NAME. Its data must be reachable
# by the user the server runs as (postgres when we are root); if the sandbox is not
# (e.g. under /root), the data lives in /var/tmp and $SANDBOX/NAME links to it.
site_pg_dir() {
    local link=$SANDBOX/$1
    if [[ -L $link || -d $link ]]; then echo "$link"; return; fi
    mkdir -p "$SANDBOX"
    if [[ $(id -u) != 0 ]] || runuser -u "${DMS_DATA_OWNER:-postgres}" -- test -x "$SANDBOX"; then
        mkdir -p "$link"
    else
        local alt
        alt=/var/tmp/dms-sandbox-$(echo "$SANDBOX" | md5sum | cut -c1-12)-$1
        mkdir -p "$alt"
        ln -s "$alt" "$link"
    fi
    echo "$link"
}

# The site has been set up (its ports chosen).
site_exists() {
    site_vars "$1"
    [[ -s $S_DIR/ports ]]
}

# The site's PostgreSQL is a standby (standby.signal: also when it is stopped), or the
# primary (a cluster without it).
site_is_standby() {
    site_vars "$1"
    [[ -f $S_PG/data/standby.signal ]]
}

site_is_primary() {
    site_vars "$1"
    [[ -f $S_PG/data/PG_VERSION && ! -f $S_PG/data/standby.signal ]]
}

# site_ports SITE: address and ports of the site's named and rsync daemon, chosen once
# and kept in DIR/ports (an older master site's file gains the rsync port).
site_ports() {
    site_vars "$1"
    local addr dns rndc
    mkdir -p "$S_DIR"
    if [[ ! -s $S_DIR/ports ]]; then
        addr=$(lo_address "$S_N")
        printf 'addr=%s\ndns=%s\nrndc=%s\n' "$addr" "$(port_on "$addr" 53)" \
            "$(port_on "$addr" 953)" >"$S_DIR/ports.tmp"
        mv "$S_DIR/ports.tmp" "$S_DIR/ports"
    fi
    source "$S_DIR/ports"
    [[ $addr == 127.0.0.1 ]] || lo_address "$S_N" >/dev/null
    if ! grep -q '^rsync=' "$S_DIR/ports"; then
        echo "rsync=$(port_on "$addr" 873)" >>"$S_DIR/ports"
    fi
    if ! grep -q '^api=' "$S_DIR/ports"; then
        echo "api=$(port_on "$addr" 8443)" >>"$S_DIR/ports"
    fi
}

# site_api_cert SITE: a self-signed certificate for the site's dmsd HTTPS listener
# (docs/api.md), made once: DIR/api/cert.pem and key.pem (0600), for its address.
site_api_cert() {
    local addr dns rndc rsync api
    site_vars "$1"
    source "$S_DIR/ports"
    [[ -s $S_DIR/api/cert.pem && -s $S_DIR/api/key.pem ]] && return 0
    mkdir -p "$S_DIR/api"
    (umask 077
     timeout 60 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
         -days 3650 -subj "/CN=$addr" -addext "subjectAltName=IP:$addr" \
         -keyout "$S_DIR/api/key.pem.tmp" -out "$S_DIR/api/cert.pem.tmp" 2>/dev/null) \
        || die "openssl could not make the API certificate in $S_DIR/api"
    mv "$S_DIR/api/key.pem.tmp" "$S_DIR/api/key.pem"
    chmod 644 "$S_DIR/api/cert.pem.tmp"
    mv "$S_DIR/api/cert.pem.tmp" "$S_DIR/api/cert.pem"
}

# site_addr SITE: the address of the site's named (and of the replica's PostgreSQL).
site_addr() {
    local addr dns rndc rsync
    site_vars "$1"
    source "$S_DIR/ports"
    echo "$addr"
}

# site_pg_start SITE: start the site's PostgreSQL (primary or standby) on its address;
# the master site's on 127.0.0.1, the replica's on the address of its named.
site_pg_start() {
    local listen=127.0.0.1
    site_vars "$1"
    if [[ $1 == replica ]]; then listen=$(site_addr replica); site_vars "$1"; fi
    pg_start "$S_PG" scram "$listen"
}

# site_named_confs SITE: the site's two named configs. Both listen on the site's
# address, send NOTIFY and transfers from it (the other site's and the slaves' ACLs
# name it), and take rndc from the site's own dmsd (rndc-key) and from the other site's
# dmsd when this site is its replica (remote-key, `rndc -s NAME`).
site_named_confs() {
    local addr dns rndc rsync role
    site_vars "$1"
    source "$S_DIR/ports"
    mkdir -p "$S_DIR/dynamic" "$S_DIR/master-config" "$S_DIR/rsync-config" "$S_DIR/keys"
    [[ -e $S_DIR/rsync-config/bind9-replica.conf ]] || : >"$S_DIR/rsync-config/bind9-replica.conf"
    for role in master replica; do
        {
            cat <<NAMED
// The sandbox's $S_SITE site, named as the $role; written by scripts/lib/site.sh.
options {
	directory "$S_DIR";
	pid-file "$S_DIR/named.pid";
	session-keyfile "$S_DIR/session.key";
	managed-keys-directory "$S_DIR";
	listen-on port $dns { $addr; };
	listen-on-v6 { none; };
	recursion no;
	allow-query { any; };
	allow-transfer { localhost; };
	notify no;
	// Slaves take NOTIFY and serve transfers only from/to the addresses dms names;
	// on one machine the kernel would otherwise pick another loopback address.
	notify-source $addr;
	transfer-source $addr;
	// NOTIFY at once after a change (BIND waits 5 s by default to batch them).
	notify-delay 0;
	dnssec-validation no;
};
include "$BIND/rndc-local.key";
include "$BIND/rndc-remote.key";
include "$BIND/update-session.key";
controls {
	inet $addr port $rndc allow { 127.0.0.0/8; } keys { "rndc-key"; "remote-key"; };
};
NAMED
            if [[ $role == master ]]; then
                echo "include \"$S_DIR/master-config/server-acl.conf\";"
                echo "include \"$S_DIR/master-config/zones.conf\";"
            else
                echo "// The replica SG's zones (every zone), rsynced here by the master's dmsd."
                echo "include \"$S_DIR/rsync-config/bind9-replica.conf\";"
            fi
        } >"$S_DIR/named-$role.conf.tmp"
        mv "$S_DIR/named-$role.conf.tmp" "$S_DIR/named-$role.conf"
    done
    cat >"$S_DIR/rndc-site.conf.tmp" <<RNDC
// rndc to the $S_SITE site's named, whatever its role: rndc -c $S_DIR/rndc-site.conf status
include "$BIND/rndc-local.key";
options {
	default-key "rndc-key";
	default-server $addr;
	default-port $rndc;
};
RNDC
    mv "$S_DIR/rndc-site.conf.tmp" "$S_DIR/rndc-site.conf"
}

# site_rsyncd_conf SITE DNSCONF_PASSFILE DNSSEC_PASSFILE: the rsync daemon each site
# runs (REFERENCE.md 8.3): module dnsconf receives the replica SG's named config, module
# dnssec the DNSSEC keys; only the two sites' addresses may connect. The passwords go
# into rsyncd.secrets (0600) by redirection, never through an argument list.
site_rsyncd_conf() {
    local site=$1 dnsconf=$2 dnssec=$3 allow
    allow="$(site_addr master) $(site_addr replica)"
    # As root the daemon writes as root; as another user it cannot change ids.
    local ids=""
    if [[ $(id -u) == 0 ]]; then ids=$'uid = root\ngid = root'; fi
    site_vars "$site"
    cat >"$S_DIR/rsyncd.conf.tmp" <<RSYNCD
# The rsync daemon of the sandbox's $S_SITE site; written by scripts/lib/site.sh.
pid file = $S_DIR/rsyncd.pid
log file = $S_DIR/rsyncd.log
use chroot = no
$ids
read only = no
hosts allow = $allow
secrets file = $S_DIR/rsyncd.secrets
[dnsconf]
	path = $S_DIR/rsync-config
	auth users = dnsconf
[dnssec]
	path = $S_DIR/keys
	auth users = dnssec
RSYNCD
    mv "$S_DIR/rsyncd.conf.tmp" "$S_DIR/rsyncd.conf"
    (umask 077
     printf 'dnsconf:%s\ndnssec:%s\n' "$(head -n 1 "$dnsconf")" "$(head -n 1 "$dnssec")" \
         >"$S_DIR/rsyncd.secrets")
}

site_rsync_ready() {
    timeout 5 rsync --contimeout=1 "rsync://$1:$2/" 2>/dev/null | grep -q '^dnsconf'
}

site_start_rsyncd() {
    local addr dns rndc rsync
    site_vars "$1"
    [[ -s $S_DIR/rsyncd.conf ]] || return 0
    source "$S_DIR/ports"
    pid_alive "$S_DIR/rsyncd.pid" && return 0
    nohup rsync --daemon --no-detach --config="$S_DIR/rsyncd.conf" --port="$rsync" \
        --address="$addr" >"$S_DIR/rsyncd.out" 2>&1 &
    wait_until 20 site_rsync_ready "$addr" "$rsync" \
        || { tail -n 20 "$S_DIR/rsyncd.out" "$S_DIR/rsyncd.log" >&2; die "rsyncd of the $1 site did not start"; }
}

# site_start_named SITE ROLE: named with the site's ROLE config (master|replica); one
# running with the other config is stopped first. Zone files in dynamic/ stay as they
# are: in the master role named loads what it served as the replica. The rsync daemon
# runs in both roles (the other site's dmsd may send config whenever this site is its
# replica).
site_start_named() {
    local site=$1 role=$2 addr dns rndc rsync
    [[ $role == master || $role == replica ]] || die "named role: master or replica, not '$role'"
    site_vars "$site"
    source "$S_DIR/ports"
    [[ $addr == 127.0.0.1 ]] || lo_address "$S_N" >/dev/null
    site_start_rsyncd "$site"
    site_vars "$site"
    if pid_alive "$S_DIR/named.pid"; then
        [[ $(cat "$S_DIR/named.role" 2>/dev/null) == "$role" ]] && return 0
        stop_pid "$S_DIR/named.pid" "named of the $site site"
    fi
    [[ -s $S_DIR/named-$role.conf ]] || die "no $S_DIR/named-$role.conf"
    timeout 30 named-checkconf "$S_DIR/named-$role.conf" \
        || die "named-checkconf refused $S_DIR/named-$role.conf"
    nohup named -g -4 -c "$S_DIR/named-$role.conf" >"$S_DIR/named.log" 2>&1 &
    echo "$role" >"$S_DIR/named.role"
    wait_until 20 timeout 5 rndc -c "$S_DIR/rndc-site.conf" status \
        || { tail -n 20 "$S_DIR/named.log" >&2; die "named of the $site site did not start"; }
}

site_stop_named() {
    site_vars "$1"
    if pid_alive "$S_DIR/named.pid"; then
        stop_pid "$S_DIR/named.pid" "named of the $1 site"
        echo "stopped the named of the $1 site"
    fi
}

site_stop_rsyncd() {
    site_vars "$1"
    if pid_alive "$S_DIR/rsyncd.pid"; then
        stop_pid "$S_DIR/rsyncd.pid" "rsyncd of the $1 site"
        echo "stopped the rsyncd of the $1 site"
    fi
}

# site_start_dmsd SITE [dmsd args]: start dmsd with the site's dms.conf unless it runs.
# Fails (with the end of its log) when dmsd exits instead of running, as it does when
# it is fenced (the database names another site as the master).
site_start_dmsd() {
    local site=$1 pid i size; shift
    site_vars "$site"
    pid_alive "$S_DMSD_PID" && return 0
    # Its words from this start only.
    size=$(stat -c %s "$S_DMSD_LOG" 2>/dev/null || echo 0)
    nohup "$DMS_BUILD/bin/dmsd" -c "$S_CONF" "$@" >>"$S_DMSD_LOG" 2>&1 &
    pid=$!
    for i in $(seq 1 200); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -c +$((size + 1)) "$S_DMSD_LOG" | tail -n 5 >&2
            echo "dmsd of the $site site exited" >&2
            return 1
        fi
        if pid_alive "$S_DMSD_PID"; then
            # Running; still there a moment later (not refusing after writing its PID).
            sleep 1
            kill -0 "$pid" 2>/dev/null && return 0
        fi
        sleep 0.1
    done
    tail -c +$((size + 1)) "$S_DMSD_LOG" | tail -n 5 >&2
    echo "dmsd of the $site site did not start in 20 s" >&2
    return 1
}

site_stop_dmsd() {
    site_vars "$1"
    if pid_alive "$S_DMSD_PID"; then
        stop_pid "$S_DMSD_PID" "dmsd of the $1 site"
        echo "stopped the dmsd of the $1 site"
    fi
}

# site_status SITE: one line per running part but dmsd, NAME ROLE ADDRESS PORT PID.
site_status() {
    local site=$1 addr dns rndc rsync prole=postgresql pfx
    site_vars "$site"
    [[ -s $S_DIR/ports ]] || [[ $site == master ]] || return 0
    if [[ -e $S_PG ]] && pg_running "$S_PG"; then
        [[ -f $S_PG/data/standby.signal ]] && prole=postgresql-standby
        echo "$S_PG_NAME $prole $(pg_addr "$S_PG") $(cat "$S_PG/port") $(pg_pid "$S_PG")"
    fi
    [[ -s $S_DIR/ports ]] && source "$S_DIR/ports"
    pfx=$site
    if pid_alive "$S_DIR/named.pid"; then
        echo "$pfx named-$(cat "$S_DIR/named.role" 2>/dev/null || echo master) $addr $dns $(head -n 1 "$S_DIR/named.pid")"
    fi
    if pid_alive "$S_DIR/rsyncd.pid"; then
        echo "$pfx-rsync rsyncd $addr $rsync $(head -n 1 "$S_DIR/rsyncd.pid")"
    fi
}

# site_status_dmsd SITE: "dmsd dmsd - - PID" (replica-dmsd for the replica site).
site_status_dmsd() {
    local addr dns rndc rsync api
    site_vars "$1"
    if pid_alive "$S_DMSD_PID"; then
        echo "$S_DMSD_NAME dmsd - - $(head -n 1 "$S_DMSD_PID")"
        source "$S_DIR/ports"
        if [[ -n ${api:-} ]] && grep -q '^api_tls_cert_file' "$S_CONF" 2>/dev/null; then
            echo "${S_DMSD_NAME%dmsd}api https $addr $api $(head -n 1 "$S_DMSD_PID")"
        fi
    fi
}

# site_action SITE ACTION [ARG]: what a sandbox dr.conf's hooks run (through
# `scripts/sandbox site SITE ACTION`). Exit status 0 = done (or true).
site_action() {
    local site=$1 action=${2:-}
    site_vars "$site"
    case $action in
    start-pg) site_pg_start "$site" ;;
    stop-pg) site_vars "$site"; pg_stop "$S_PG" ;;
    pg-running) pg_running "$S_PG" ;;
    start-named) site_start_named "$site" "${3:-}" ;;
    stop-named) site_stop_named "$site" >/dev/null ;;
    named-running) pid_alive "$S_DIR/named.pid" ;;
    named-role) pid_alive "$S_DIR/named.pid" && cat "$S_DIR/named.role" ;;
    start-dmsd) site_start_dmsd "$site" ;;
    stop-dmsd) site_stop_dmsd "$site" >/dev/null ;;
    dmsd-running) pid_alive "$S_DMSD_PID" ;;
    *) die "site $site: unknown action '$action'" ;;
    esac
}
