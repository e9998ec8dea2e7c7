#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fail-over benchmark (issue 13, docs/disaster-recovery.md). Two private sandboxes with
# the replica site (scripts/sandbox up --replica in a temp dir, 127.0.N.x), each beside
# the raw primitive measured in the same run:
#
#  1. Fail-over with Z zones (default 1,000) served by the replica and both slaves: the
#     master site is killed (kill -9 of PostgreSQL, named, dmsd), then
#     `dms_promote_replica -f`. From its start:
#       (a) the new master answering a fresh change (zone_tool load_zone_zi retried every
#           0.2 s until accepted, then the master named answers the new record);
#       (b) both slaves answering that change.
#     Raw: PostgreSQL's own promotion (pg_promote) and named's restart with Z zones, as
#     dms_promote_replica's step times show them.
#  2. The standby's replay lag during `load_zones` of L zones (default 10,000): sampled
#     every 0.2 s from pg_stat_replication on the master (show_dms_status --json), beside
#     the WAL volume the load wrote.
#
#   bench/failover.sh [Z] [L]        (PARTS=1 or PARTS=2 runs one part only)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
source "$TOP/scripts/lib/common.sh"
source "$TOP/scripts/lib/probe.sh"  # component, addr_port, answers, serial_of

zones=${1:-1000}; load=${2:-10000}
bin=$DMS_BUILD/bin
[[ -x $bin/publish_bench && -x $bin/zone_tool && -x $bin/dmsd ]] || die "build first (scripts/build)"
export DMS_SANDBOX_NO_BUILD=1 DMS_BUILD
SB=$TOP/scripts/sandbox
ZT=$bin/zone_tool
work=$(mktemp -d /tmp/dms-bench-failover.XXXXXX)
chmod 755 "$work"
export DMS_SANDBOX=
cleanup() {
    set +e
    if [[ -n $DMS_SANDBOX ]]; then "$SB" down >/dev/null 2>&1; fi
    rm -rf "$work"
}
[[ -n ${KEEP:-} ]] || trap cleanup EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# sandbox_up NAME: a fresh private sandbox with the replica site.
sandbox_up() {
    DMS_SANDBOX=$work/$1
    mkdir -p "$DMS_SANDBOX"
    export DMS_SANDBOX DMS_SANDBOX_NET=127.0.$((100 + RANDOM % 100))
    "$SB" up --replica >"$work/$1.up.log" 2>&1 || { tail -n 40 "$work/$1.up.log" >&2; die "sandbox up --replica failed"; }
}
sandbox_down() {
    "$SB" down >/dev/null 2>&1 || true
    DMS_SANDBOX=
}
# all_served ADDR PORT: every zN.bench. zone answered (publish_bench served).
all_served() {
    "$bin/publish_bench" served "$1" "$2" "$zones" "$3" >/dev/null
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); named $(named -v | cut -d' ' -f2); $(psql --version)"

parts=${PARTS:-12}
# ---------------------------------------------------------------------------------------
# 1. Fail-over with $zones zones.
if [[ $parts == *1* ]]; then
sandbox_up failover
MCONF=$DMS_SANDBOX/dms.conf RCONF=$DMS_SANDBOX/replica/dms.conf
"$bin/publish_bench" generate "$work/zones" "$zones"
(cd "$work/zones" && ls | xargs "$ZT" -c "$MCONF" load_zones -f >/dev/null)
read -r MADDR MPORT < <(addr_port master)
read -r RADDR RPORT < <(addr_port replica)
read -r S1ADDR S1PORT < <(addr_port slave1)
read -r S2ADDR S2PORT < <(addr_port slave2)
t0=$(now)
for s in "$MADDR $MPORT" "$RADDR $RPORT" "$S1ADDR $S1PORT" "$S2ADDR $S2PORT"; do
    # shellcheck disable=SC2086
    all_served $s 600 || die "not every zone is served by $s"
done
# The replica holds the master's last serial of every zone before the kill.
last=z$((zones - 1)).bench.
until [[ -n $(serial_of "$MADDR" "$MPORT" "$last") \
        && $(serial_of "$RADDR" "$RPORT" "$last") == "$(serial_of "$MADDR" "$MPORT" "$last")" ]]; do
    sleep 0.2
done
echo "setup: $zones zones served by the master, the replica and both slaves after $(since "$t0") s"

kill -9 "$(component pg | awk '{print $5}')" "$(component master | awk '{print $5}')" \
    "$(component dmsd | awk '{print $5}')"
"$ZT" -c "$RCONF" show_zone z1.bench. >"$work/fresh.zone"
echo 'fresh 300 IN TXT "after-failover"' >>"$work/fresh.zone"

t0=$(now)
DMS_DR_CONF=$DMS_SANDBOX/replica/dr.conf "$TOP/sbin/dms_promote_replica" -f >"$work/promote.log" 2>&1 &
promote=$!
# (a) a fresh change, tried until the new master accepts it, then answered by it.
until "$ZT" -c "$RCONF" load_zone_zi "$work/fresh.zone" z1.bench. >/dev/null 2>&1; do
    sleep 0.2
    (( $(awk -v a="$t0" -v b="$(now)" 'BEGIN { print (b - a > 300) }') )) && die "no change accepted in 300 s"
done
accepted=$(since "$t0")
read -r NADDR NPORT < <(addr_port replica)
until answers "$NADDR" "$NPORT" fresh.z1.bench TXT after-failover; do sleep 0.05; done
a=$(since "$t0")
until answers "$S1ADDR" "$S1PORT" fresh.z1.bench TXT after-failover \
        && answers "$S2ADDR" "$S2PORT" fresh.z1.bench TXT after-failover; do
    sleep 0.05
    (( $(awk -v a="$t0" -v b="$(now)" 'BEGIN { print (b - a > 600) }') )) && die "the slaves do not serve the change after 600 s"
done
b=$(since "$t0")
wait "$promote" || { cat "$work/promote.log" >&2; die "dms_promote_replica failed"; }
echo "dms_promote_replica, $zones zones, its steps:"
sed 's/^/  /' "$work/promote.log" | grep -E '[0-9]+(\.[0-9]+)? s\b' | head -n 20
printf "fail-over, %d zones: change accepted %6.2f s, (a) answered by the new master %6.2f s, (b) by both slaves %6.2f s\n" \
    "$zones" "$accepted" "$a" "$b"
sandbox_down
fi

# ---------------------------------------------------------------------------------------
# 2. The standby's replay lag during load_zones of $load zones (until dmsd has published
#    them all: publishing writes WAL too), then during a raw INSERT writing as much WAL.
[[ $parts == *2* ]] || exit 0
sandbox_up lag
MCONF=$DMS_SANDBOX/dms.conf
pgdir=$DMS_SANDBOX/pg
mpsql() { psql -X -At -q -h "$pgdir/run" -p "$(cat "$pgdir/port")" -U dms_admin "$@"; }
"$bin/publish_bench" generate "$work/lag-zones" "$load"
# sampler FILE: every 0.1 s "lag_bytes lag_seconds" of the standby dms_replica, until
# $work/stop exists.
sampler() {
    while [[ ! -e $work/stop ]]; do
        mpsql -d postgres -F ' ' -c "SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint,
            coalesce(extract(epoch from replay_lag), 0) FROM pg_stat_replication
            WHERE application_name = 'dms_replica'" >>"$1" || true
        sleep 0.1
    done
}
# report WHAT FILE SECONDS WAL_BYTES
report() {
    sort -n "$2" | awk -v what="$1" -v took="$3" -v wal="$4" '
        { b[NR] = $1; if ($2 > ms) ms = $2; s[NR] = $2 }
        END {
            if (NR == 0) { print what ": no samples"; exit }
            printf "%s: %.1f s, %.1f MB of WAL, %d samples: lag bytes p50 %d, p95 %d, max %d; replay_lag max %.3f s\n",
                what, took, wal / 1048576, NR, b[int((NR + 1) / 2)], b[int(NR * 0.95 + 0.5)], b[NR], ms }'
}
published() { mpsql -d dms -c "SELECT count(*) FROM sm_zone WHERE state = 'PUBLISHED'"; }
before=$(published)
wal0=$(mpsql -d postgres -c 'SELECT pg_current_wal_lsn()')
rm -f "$work/stop"; : >"$work/lag.dms"
sampler "$work/lag.dms" &
sampling=$!
t0=$(now)
(cd "$work/lag-zones" && ls | xargs "$ZT" -c "$MCONF" load_zones -f >/dev/null)
loaded=$(since "$t0")
until (( $(published) >= before + load )); do sleep 0.2; done
took=$(since "$t0")
touch "$work/stop"; wait "$sampling"
wal=$(mpsql -d postgres -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal0')::bigint")
echo "load_zones of $load zones: command $loaded s, all PUBLISHED after $took s"
report "dms: replay lag during load_zones + publishing of $load zones" "$work/lag.dms" "$took" "$wal"
# The raw primitive: one INSERT of rows of 200 bytes, as much WAL, in commits of 5,000 rows.
rows=$(( wal / 330 ))
mpsql -d postgres -c "CREATE TABLE IF NOT EXISTS bench_lag (id bigint, pad text)"
wal0=$(mpsql -d postgres -c 'SELECT pg_current_wal_lsn()')
rm -f "$work/stop"; : >"$work/lag.raw"
sampler "$work/lag.raw" &
sampling=$!
t0=$(now)
for (( i = 0; i < rows; i += 5000 )); do
    mpsql -d postgres -c "INSERT INTO bench_lag SELECT g, repeat('x', 200) FROM generate_series($i, $((i + 4999))) g"
done
took=$(since "$t0")
touch "$work/stop"; wait "$sampling"
wal=$(mpsql -d postgres -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal0')::bigint")
report "raw: replay lag during INSERTs of $rows rows" "$work/lag.raw" "$took" "$wal"
sandbox_down
