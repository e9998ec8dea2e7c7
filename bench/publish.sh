#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Publishing benchmark (issue: dmsd). A private PostgreSQL, a master named and dmsd on
# 127.0.0.1 (free ports) in a temp dir, then, each beside the raw BIND primitive
# measured in the same run:
#   (a) latency from `zone_tool load_zone_zi` returning to the change answered by the
#       master, over N record changes (default 200), beside `nsupdate` round trips;
#   (b) `zone_tool load_zones` of Z small zones (default 10,000) until all PUBLISHED and
#       answered, beside named loading the same files from an include + rndc reconfig;
#   (c) `zone_tool restore_named_db` of R zones (default 40,000), and named loading them.
#   bench/publish.sh [N] [Z] [R]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/pg.sh"
source "$(dirname "$0")/../scripts/lib/named.sh"

n=${1:-200}; zones=${2:-10000}; restore=${3:-40000}
bin=$DMS_BUILD/bin
[[ -x $bin/publish_bench && -x $bin/zone_tool && -x $bin/dmsd ]] || die "build first (scripts/build)"
work=$(mktemp -d /tmp/dms-bench-publish.XXXXXX)
chmod 755 "$work"
cleanup() {
    stop_pid "$work/dmsd.pid" dmsd 2>/dev/null || true
    stop_pid "$work/named.pid" named 2>/dev/null || true
    stop_pid "$work/raw/named.pid" raw-named 2>/dev/null || true
    pg_stop "$work/pg"
    rm -rf "$work"
}
[[ -n ${KEEP:-} ]] || trap cleanup EXIT
mkdir -p "$work/pg" "$work/bind" "$work/dynamic" "$work/master-config" "$work/raw"
pg_start "$work/pg" trust >/dev/null || die "PostgreSQL did not start"
dns=$(free_port); rndc=$(free_port)
conf=$work/dms.conf
cat >"$conf" <<CONF
[DEFAULT]
db_host = 127.0.0.1
db_port = $(cat "$work/pg/port")
db_user = dms_admin
db_name = dms
log_target = stderr
master_dns_address = 127.0.0.1
master_dns_port = $dns
dyndns_key_file = $work/bind/update-session.key
dms_bind_config_dir = $work/bind
rndc_conf_file = $work/rndc.conf
rndc_key_file = $work/bind/rndc-local.key
rndc_remote_key_file =
rndc_header_template = $DMS_TOP/templates/config/rndc.conf-header
rndc_server_template = $DMS_TOP/templates/config/rndc.conf-server
master_rndc_address = 127.0.0.1
master_rndc_port = $rndc
master_template_dir = $DMS_TOP/templates/master
server_template_dir = $DMS_TOP/templates/server
dms_sg_dir = $work/dms-sg
master_config_dir = $work/master-config
master_dyndns_dir = $work/dynamic
dmsd_pid_file = $work/dmsd.pid
[dmsd]
drift_check_sample = 0
CONF
zt() { "$bin/zone_tool" -c "$conf" "$@"; }
zt create_db >/dev/null
zt generate_tsig_key update-ddns hmac-sha256 update-session.key >/dev/null
zt generate_tsig_key rndc-key hmac-sha256 rndc-local.key >/dev/null
zt write_rndc_conf >/dev/null
cat >"$work/named.conf" <<NAMED
options {
	directory "$work";
	pid-file "$work/named.pid";
	session-keyfile "$work/session.key";
	listen-on port $dns { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	notify no;
	allow-transfer { localhost; };
	dnssec-validation no;
};
include "$work/bind/rndc-local.key";
include "$work/bind/update-session.key";
controls { inet 127.0.0.1 port $rndc allow { 127.0.0.1; } keys { "rndc-key"; }; };
include "$work/master-config/server-acl.conf";
include "$work/master-config/zones.conf";
NAMED
zt restore_named_db -f >/dev/null
start_named() {
    nohup named -g -c "$work/named.conf" >>"$work/named.log" 2>&1 &
    wait_until 60 rndc -c "$work/rndc.conf" status || { tail "$work/named.log"; die "named did not start"; }
}
start_dmsd() {
    nohup "$bin/dmsd" -c "$conf" >>"$work/dmsd.log" 2>&1 &
    wait_until 20 pid_alive "$work/dmsd.pid" || { tail "$work/dmsd.log"; die "dmsd did not start"; }
}
start_named
start_dmsd
# One psql session for the polling (a psql started every 0.2 s took 6% of the CPU).
coproc COUNTER { pg_psql "$work/pg" dms -At 2>&1; }
published() {
    echo "SELECT count(*) FROM sm_zone WHERE state = 'PUBLISHED';" >&"${COUNTER[1]}"
    local n
    read -t 30 -r n <&"${COUNTER[0]}" || die "the polling psql did not answer"
    echo "$n"
}
wait_published() {
    local want=$1 limit=$2 t0=$SECONDS
    while (( $(published) < want )); do
        if (( SECONDS - t0 >= limit )); then
            tail -n 30 "$work/dmsd.log" "$work/named.log" >&2
            die "only $(published) of $want zones PUBLISHED after $limit s"
        fi
        sleep 0.2
    done
}
now() { date +%s.%N; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); named $(named -v | cut -d' ' -f2)"

# (a) latency of a record change
zt create_zone bench.latency. >/dev/null
zt create_zone raw.latency. >/dev/null
wait_published 2 30
zt show_zone bench.latency. >"$work/latency.zone"
"$bin/publish_bench" latency "$bin/zone_tool" "$conf" bench.latency. "$work/latency.zone" "$n"
"$bin/publish_bench" nsupdate 127.0.0.1 "$dns" "$work/bind/update-session.key" raw.latency. "$n"

# (b) load_zones of many small zones
"$bin/publish_bench" generate "$work/zones" "$zones"
t0=$(now)
(cd "$work/zones" && ls | xargs "$bin/zone_tool" -c "$conf" load_zones -f >/dev/null)
t1=$(now)
wait_published $((zones + 2)) 600
t2=$(now)
served_s=$("$bin/publish_bench" served 127.0.0.1 "$dns" "$zones" 60)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v z="$zones" -v s="$served_s" 'BEGIN {
    printf "dms: load_zones of %d zones        command %6.2f s, all PUBLISHED %6.2f s (%.0f zones/s); served check after: %s s\n",
        z, b - a, c - a, z / (c - a), s }'
# The raw primitive: the same files through an include file and one rndc reconfig.
rdns=$(free_port); rrndc=$(free_port)
cp "$work/bind/rndc-local.key" "$work/raw/"
cat >"$work/raw/named.conf" <<NAMED
options { directory "$work/raw"; pid-file "$work/raw/named.pid"; listen-on port $rdns { 127.0.0.1; };
	listen-on-v6 { none; }; recursion no; notify no; dnssec-validation no;
	session-keyfile "$work/raw/session.key"; };
include "$work/raw/rndc-local.key";
controls { inet 127.0.0.1 port $rrndc allow { 127.0.0.1; } keys { "rndc-key"; }; };
include "$work/raw/raw-zones.conf";
NAMED
printf 'include "%s/raw/rndc-local.key";\noptions { default-key "rndc-key"; default-server 127.0.0.1; default-port %s; };\n' \
    "$work" "$rrndc" >"$work/raw/rndc.conf"
: >"$work/raw/raw-zones.conf"
nohup named -g -c "$work/raw/named.conf" >"$work/raw/named.log" 2>&1 &
wait_until 60 rndc -c "$work/raw/rndc.conf" status || die "raw named did not start"
"$bin/publish_bench" raw-conf "$work/zones" "$zones"
mv "$work/zones/raw-zones.conf" "$work/raw/raw-zones.conf"
t0=$(now)
rndc -c "$work/raw/rndc.conf" reconfig
s=$("$bin/publish_bench" served 127.0.0.1 "$rdns" "$zones" 120)
t1=$(now)
awk -v a="$t0" -v b="$t1" -v z="$zones" 'BEGIN { printf "raw: include + rndc reconfig of %d zones  all answered %6.2f s\n", z, b - a }'
stop_pid "$work/raw/named.pid" raw-named

# (c) restore_named_db of many zones
if (( restore > zones )); then
    "$bin/publish_bench" generate "$work/more" "$restore"
    (cd "$work/more" && ls | sort -V | tail -n $((restore - zones)) \
        | xargs "$bin/zone_tool" -c "$conf" load_zones -f >/dev/null)
    wait_published $((restore + 2)) 1800
fi
stop_pid "$work/dmsd.pid" dmsd
stop_pid "$work/named.pid" named
t0=$(now)
zt restore_named_db -f
t1=$(now)
start_named
s=$("$bin/publish_bench" served 127.0.0.1 "$dns" "$restore" 600)
t2=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v z="$restore" 'BEGIN {
    printf "dms: restore_named_db of %d zones  %6.2f s; named start to all answered %6.2f s\n", z, b - a, c - b }'
