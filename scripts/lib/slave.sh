# SPDX-License-Identifier: GPL-3.0-or-later
# A slave server for the sandbox, as dms configures one: a slave named and an rsync
# daemon (module dnsconf) sharing one directory, on 127.0.0.N (added to lo; 127.0.0.1
# and free ports when not root) with DNS on 53, rndc on 953 and rsync on 873 when free.
# The master rsyncs its server group's directory into DIR/rsync-config/ and runs
# `rndc -s NAME reconfig`; named includes DIR/rsync-config/bind9.conf.
# (Tests start their own slaves, see tests/support/slave_fixture.hpp.)
# Source it; do not run it.
#
#   slave_setup DIR N REMOTE_KEY PASSWORD_FILE   addresses, ports and configs (once)
#   slave_start DIR NAME                          start what is not running, wait for it
#   slave_stop DIR NAME                           stop both, remove the address from lo
#   slave_status DIR NAME                         one line per running part
#   slave_ports DIR                               "addr dns rndc rsync", for zone_tool
#
# DIR holds: ports (n, addr, dns, rndc, rsync), named.conf, rndc.conf (the slave's
# control channel, for trying rndc by hand), rsyncd.conf, rsyncd.secrets (0600),
# rsync-config/ (module dnsconf; bind9.conf empty until the master sends one), slave/
# (transferred zones), named.pid, rsyncd.pid, named.log, rsyncd.log.

source "$(dirname "${BASH_SOURCE[0]}")/named.sh"

# slave_setup DIR N REMOTE_KEY PASSWORD_FILE: address 127.0.0.N and ports chosen once
# (kept in DIR/ports across runs); configs rewritten every time, so a changed key or
# password takes effect on the next start. The password goes from PASSWORD_FILE into
# rsyncd.secrets by redirection, never through an argument list.
slave_setup() {
    local dir=$1 n=$2 key=$3 passfile=$4 addr dns rndc rsync
    [[ -s $key ]] || die "slave_setup: no remote key $key"
    [[ -s $passfile ]] || die "slave_setup: no rsync password file $passfile"
    mkdir -p "$dir/rsync-config" "$dir/slave"
    if [[ ! -s $dir/ports ]]; then
        addr=$(lo_address "$n")
        printf 'n=%s\naddr=%s\ndns=%s\nrndc=%s\nrsync=%s\n' "$n" "$addr" \
            "$(port_on "$addr" 53)" "$(port_on "$addr" 953)" "$(port_on "$addr" 873)" \
            >"$dir/ports.tmp"
        mv "$dir/ports.tmp" "$dir/ports"
    fi
    source "$dir/ports"
    [[ -e $dir/rsync-config/bind9.conf ]] || : >"$dir/rsync-config/bind9.conf"
    slave_named_conf "$dir" "$addr" "$dns" "$rndc" "$key"
    cat >"$dir/rndc.conf.tmp" <<RNDC
// rndc for this slave alone: rndc -c $dir/rndc.conf status
include "$key";
options {
	default-key "remote-key";
	default-server $addr;
	default-port $rndc;
};
RNDC
    mv "$dir/rndc.conf.tmp" "$dir/rndc.conf"
    # As root the daemon writes as root; as another user it cannot change ids (rsync
    # refuses the module with "setgid failed" if told to).
    local ids=""
    if [[ $(id -u) == 0 ]]; then ids=$'\tuid = root\n\tgid = root'; fi
    cat >"$dir/rsyncd.conf.tmp" <<RSYNCD
# The rsync daemon of a sandbox slave; written by scripts/lib/slave.sh.
pid file = $dir/rsyncd.pid
log file = $dir/rsyncd.log
[dnsconf]
	path = $dir/rsync-config
	read only = no
	auth users = dnsconf
	secrets file = $dir/rsyncd.secrets
	use chroot = no
$ids
	hosts allow = 127.0.0.0/8
RSYNCD
    mv "$dir/rsyncd.conf.tmp" "$dir/rsyncd.conf"
    (umask 077; printf 'dnsconf:%s\n' "$(head -n 1 "$passfile")" >"$dir/rsyncd.secrets")
}

# slave_named_conf DIR ADDR DNS RNDC KEY
slave_named_conf() {
    local dir=$1 addr=$2 dns=$3 rndc=$4 key=$5
    # transfer-source: transfers come from the slave's address, which the master's
    # allow-transfer ACL (the server group's servers) names.
    cat >"$dir/named.conf.tmp" <<NAMED
// A sandbox slave named; written by scripts/lib/slave.sh. Zones arrive by rsync.
options {
	directory "$dir";
	pid-file "$dir/named.pid";
	session-keyfile "$dir/session.key";
	managed-keys-directory "$dir";
	listen-on port $dns { $addr; };
	listen-on-v6 { none; };
	transfer-source $addr;
	recursion no;
	notify no;
	dnssec-validation no;
	allow-transfer { none; };
};
include "$key";
controls {
	inet $addr port $rndc allow { 127.0.0.0/8; } keys { "remote-key"; };
};
include "$dir/rsync-config/bind9.conf";
NAMED
    mv "$dir/named.conf.tmp" "$dir/named.conf"
}

# The rsync daemon answers with its module list.
slave_rsync_ready() {
    rsync --contimeout=1 "rsync://$1:$2/" 2>/dev/null | grep -q '^dnsconf'
}

# slave_start DIR NAME: start the rsync daemon and named unless they run; wait until
# rsync lists the module and rndc status answers.
slave_start() {
    local dir=$1 name=$2 n addr dns rndc rsync
    [[ -s $dir/ports ]] || die "slave $name is not set up ($dir/ports missing)"
    source "$dir/ports"
    [[ $addr == 127.0.0.1 ]] || lo_address "$n" >/dev/null
    if ! pid_alive "$dir/rsyncd.pid"; then
        nohup rsync --daemon --no-detach --config="$dir/rsyncd.conf" --port="$rsync" \
            --address="$addr" >"$dir/rsyncd.out" 2>&1 &
        wait_until 20 slave_rsync_ready "$addr" "$rsync" \
            || { tail -n 20 "$dir/rsyncd.out" "$dir/rsyncd.log" >&2; die "rsyncd of $name did not start"; }
    fi
    if ! pid_alive "$dir/named.pid"; then
        named-checkconf "$dir/named.conf" || die "named-checkconf refused $dir/named.conf"
        nohup named -g -4 -c "$dir/named.conf" >"$dir/named.log" 2>&1 &
        wait_until 20 rndc -c "$dir/rndc.conf" status \
            || { tail -n 20 "$dir/named.log" >&2; die "named of $name did not start"; }
    fi
}

# slave_stop DIR NAME: stop named and the rsync daemon, take the address off lo.
slave_stop() {
    local dir=$1 name=$2 n addr dns rndc rsync
    if pid_alive "$dir/named.pid"; then
        stop_pid "$dir/named.pid" "named of $name"
        echo "stopped the named of $name"
    fi
    if pid_alive "$dir/rsyncd.pid"; then
        stop_pid "$dir/rsyncd.pid" "rsyncd of $name"
        echo "stopped the rsyncd of $name"
    fi
    if [[ -s $dir/ports ]]; then
        source "$dir/ports"
        lo_address_remove "$addr"
    fi
}

# slave_status DIR NAME: "NAME named-slave ADDRESS PORT PID" and
# "NAME-rsync rsyncd ADDRESS PORT PID" for the parts that run.
slave_status() {
    local dir=$1 name=$2 n addr dns rndc rsync
    [[ -s $dir/ports ]] || return 0
    source "$dir/ports"
    if pid_alive "$dir/named.pid"; then
        echo "$name named-slave $addr $dns $(head -n 1 "$dir/named.pid")"
    fi
    if pid_alive "$dir/rsyncd.pid"; then
        echo "$name-rsync rsyncd $addr $rsync $(head -n 1 "$dir/rsyncd.pid")"
    fi
}

# slave_ports DIR: "ADDRESS DNS_PORT RNDC_PORT RSYNC_PORT" of a set-up slave.
slave_ports() {
    local dir=$1 n addr dns rndc rsync
    source "$dir/ports"
    echo "$addr $dns $rndc $rsync"
}
