#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The DR fail-over (docs/disaster-recovery.md) on a private sandbox with its replica
# site: real PostgreSQL primary and hot standby, the master's and the replica's named,
# two slaves, dmsd, on 127.0.N.x (DMS_SANDBOX_NET) in a temp dir.
#
#  1. The replica serves every zone with the master's serial; show_dms_status shows the
#     standby streaming (master) and the replay state (replica). A signed zone
#     (auto_dnssec) validates on a slave with the DS of show_dnssec, and its keys reach
#     the replica site's key directory (rsync module dnssec).
#  2. A stream of 100 record changes (zone_tool load_zone_zi, each a new TXT record) runs
#     while the whole master site is killed (kill -9 of PostgreSQL, named and dmsd) in
#     its middle.
#  3. DMS_DR_CONF=replica/dr.conf sbin/dms_promote_replica -f.
#  4. Every change zone_tool reported as committed is served by the new master and by
#     both slaves, and so is a zone created just before the kill; a change made after
#     the promotion reaches both slaves, and one to the signed zone validates on both
#     with the DS taken before the fail-over (the promoted replica signs with the same
#     keys).
#  5. The old master site comes back: its dmsd refuses to run (fenced); then
#     dms_start_as_replica re-seeds it as the new replica: its PostgreSQL streams from the
#     new master, and its dmsd, started against that standby, waits.
#
#   tests/system/failover_test.sh BUILD_DIR
# Exit 0 on success; with CI unset and a missing tool, 77 (skipped). Logs of a failed
# run are kept in $DMS_TEST_LOGS (default /tmp/dms-failover-logs.PID).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export DMS_BUILD=${1:-${DMS_BUILD:-$TOP/build}}
source "$TOP/scripts/lib/common.sh"
source "$TOP/scripts/lib/named.sh"
source "$TOP/scripts/lib/probe.sh"  # private_sandbox, wait_for, step, fail, skip, addr_port, ...

for tool in named rsync dig delv psql; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || skip "PostgreSQL server binaries missing"

private_sandbox failover
SB=$TOP/scripts/sandbox
ZT=$DMS_BUILD/bin/zone_tool
MCONF=$DMS_SANDBOX/dms.conf
RCONF=$DMS_SANDBOX/replica/dms.conf
LOGS=${DMS_TEST_LOGS:-/tmp/dms-failover-logs.$$}

cleanup() {
    local rc=$?
    set +e
    if (( rc != 0 )); then
        mkdir -p "$LOGS"
        find "$DMS_SANDBOX" -name '*.log' -size -20M -exec cp --parents {} "$LOGS" \; 2>/dev/null
        echo "logs kept in $LOGS" >&2
        for f in "$DMS_SANDBOX"/dmsd.log "$DMS_SANDBOX"/replica/dmsd.log; do
            [[ -f $f ]] && { echo "---- $f" >&2; tail -n 40 "$f" >&2; }
        done
    fi
    [[ -n ${STREAM_PID:-} ]] && kill "$STREAM_PID" 2>/dev/null
    "$SB" down >/dev/null 2>&1
    rm -rf "$DMS_SANDBOX"
    exit "$rc"
}
trap cleanup EXIT



step "sandbox with the replica site (DMS_SANDBOX=$DMS_SANDBOX, net $DMS_SANDBOX_NET)"
"$SB" up --replica >"$DMS_SANDBOX.up.log" 2>&1 || { cat "$DMS_SANDBOX.up.log" >&2; fail "sandbox up --replica"; }
rm -f "$DMS_SANDBOX.up.log"
"$SB" status
read -r MADDR MPORT < <(addr_port master)
read -r RADDR RPORT < <(addr_port replica)
read -r S1ADDR S1PORT < <(addr_port slave1)
read -r S2ADDR S2PORT < <(addr_port slave2)
[[ -n $MADDR && -n $RADDR && -n $S1ADDR && -n $S2ADDR ]] || fail "sandbox status lacks a server"

ZONES="f0.test. f1.test. f2.test. f3.test."
for z in $ZONES; do
    "$ZT" -c "$MCONF" create_zone "$z" >/dev/null
done
same_everywhere() {
    local z=$1 m
    m=$(serial_of "$MADDR" "$MPORT" "$z")
    [[ -n $m ]] || return 1
    [[ $(serial_of "$RADDR" "$RPORT" "$z") == "$m" && $(serial_of "$S1ADDR" "$S1PORT" "$z") == "$m" \
        && $(serial_of "$S2ADDR" "$S2PORT" "$z") == "$m" ]]
}
for z in $ZONES example.org. example.net.; do
    wait_for 120 same_everywhere "$z" || fail "$z: not the master's serial on the replica and both slaves"
done
step "the replica and both slaves serve every zone with the master's serial"

# A signed zone: its DS (SHA-256) from show_dnssec, a delv trust anchor made of it.
"$ZT" -c "$MCONF" create_zone sig.test. >/dev/null || fail "create_zone sig.test."
"$ZT" -c "$MCONF" set_zone sig.test. auto_dnssec >/dev/null || fail "set_zone sig.test. auto_dnssec"
DS=
ds_shown() {
    DS=$("$ZT" -c "$MCONF" show_dnssec sig.test. | sed -n 's/.* IN DS \([0-9]* 13 2 [0-9A-F]*\)$/\1/p')
    [[ -n $DS ]]
}
wait_for 120 ds_shown || fail "show_dnssec shows no DS for sig.test.: $("$ZT" -c "$MCONF" show_dnssec sig.test.)"
read -r DS_TAG DS_ALG DS_TYPE DS_HEX <<<"$DS"
ANCHOR=$DMS_SANDBOX/anchor.conf
echo "trust-anchors { sig.test. static-ds $DS_TAG $DS_ALG $DS_TYPE \"$DS_HEX\"; };" >"$ANCHOR"
# validates ADDR PORT NAME TYPE: delv says "; fully validated" with only that anchor.
validates() {
    timeout 20 delv -a "$ANCHOR" +root=sig.test. "@$1" -p "$2" "$3" "$4" 2>&1 \
        | grep -q '^; fully validated'
}
wait_for 120 validates "$S1ADDR" "$S1PORT" sig.test. SOA \
    || fail "sig.test. does not validate on slave1 with DS $DS"
keys_on_replica() {
    compgen -G "$DMS_SANDBOX/replica/keys/Ksig.test.+013+$(printf %05d "$DS_TAG").private" >/dev/null
}
wait_for 180 keys_on_replica \
    || fail "the key of sig.test. (tag $DS_TAG) did not reach the replica: $(ls -l "$DMS_SANDBOX/replica/keys")"
step "sig.test. is signed (DS $DS_TAG), validates on slave1, and its key is on the replica site"

status=$("$ZT" -c "$MCONF" show_dms_status)
echo "$status" | grep -q "standby dms_replica .* streaming sync" \
    || fail "show_dms_status on the master shows no synchronous standby streaming: $status"
rstatus=$("$ZT" -c "$RCONF" show_dms_status)
echo "$rstatus" | grep -q "hot standby (read-only replica), receiver streaming" \
    || fail "show_dms_status on the replica shows no standby state: $rstatus"
echo "$rstatus" | grep -q "replay lag" || fail "no replay lag shown: $rstatus"
refused=0
"$ZT" -c "$RCONF" create_zone refused.test. >/dev/null 2>"$DMS_SANDBOX/refused.err" || refused=$?
(( refused == 69 )) && grep -q "read-only replica" "$DMS_SANDBOX/refused.err" \
    || fail "a change on the replica was not refused as read-only (exit $refused)"

# The stream: change k adds TXT "change-k" as chg-k in zone f(k%4); each load_zone_zi
# carries every earlier record of its zone too. COMMITTED lists the k zone_tool
# reported done.
COMMITTED=$DMS_SANDBOX/committed
: >"$COMMITTED"
stream() {
    local k z file
    for (( k = 1; k <= 100; k++ )); do
        z=f$((k % 4)).test.
        file=$DMS_SANDBOX/stream-$((k % 4)).zone
        if [[ ! -s $file ]]; then
            "$ZT" -c "$MCONF" show_zone "$z" >"$file" 2>/dev/null || continue
        fi
        echo "chg-$k 300 IN TXT \"change-$k\"" >>"$file"
        if "$ZT" -c "$MCONF" load_zone_zi "$file" "$z" >/dev/null 2>&1; then
            echo "$k" >>"$COMMITTED"
        fi
    done
}
step "a stream of 100 changes; the master site is killed in its middle"
stream &
STREAM_PID=$!
wait_for 300 bash -c "(( \$(wc -l <'$COMMITTED') >= 40 ))" || fail "the stream did not reach 40 changes"
# A zone created at the last moment: the replica's named may never receive it.
"$ZT" -c "$MCONF" create_zone late.test. >/dev/null || fail "create_zone late.test."
PGPID=$(component pg | awk '{print $5}')
NPID=$(component master | awk '{print $5}')
DPID=$(component dmsd | awk '{print $5}')
kill -9 "$PGPID" "$NPID" "$DPID"
step "killed PostgreSQL ($PGPID), named ($NPID) and dmsd ($DPID) of the master site"
wait "$STREAM_PID" || true
STREAM_PID=
n=$(wc -l <"$COMMITTED")
echo "$n of 100 changes reported committed"
(( n >= 40 && n < 100 )) || fail "expected the kill to cut the stream ($n committed)"

step "dms_promote_replica -f"
t0=$SECONDS
DMS_DR_CONF=$DMS_SANDBOX/replica/dr.conf "$TOP/sbin/dms_promote_replica" -f \
    || fail "dms_promote_replica failed"
echo "dms_promote_replica took $((SECONDS - t0)) s"
read -r NADDR NPORT < <(addr_port replica)

served_everywhere() {
    local k=$1 z=f$(($1 % 4)).test
    answers "$NADDR" "$NPORT" "chg-$k.$z" TXT "change-$k" \
        && answers "$S1ADDR" "$S1PORT" "chg-$k.$z" TXT "change-$k" \
        && answers "$S2ADDR" "$S2PORT" "chg-$k.$z" TXT "change-$k"
}
while read -r k; do
    wait_for 120 served_everywhere "$k" \
        || fail "change $k was reported committed but is not served by the new master and both slaves"
done <"$COMMITTED"
step "all $n committed changes are served by the new master and both slaves"
late_everywhere() {
    [[ -n $(serial_of "$NADDR" "$NPORT" late.test.) && -n $(serial_of "$S1ADDR" "$S1PORT" late.test.) \
        && -n $(serial_of "$S2ADDR" "$S2PORT" late.test.) ]]
}
wait_for 120 late_everywhere || fail "late.test., created just before the kill, is not served everywhere"
step "the zone created just before the kill is served by the new master and both slaves"

# A change after the promotion.
"$ZT" -c "$RCONF" show_zone f1.test. >"$DMS_SANDBOX/after.zone"
echo 'after 300 IN TXT "after-promotion"' >>"$DMS_SANDBOX/after.zone"
"$ZT" -c "$RCONF" load_zone_zi "$DMS_SANDBOX/after.zone" f1.test. >/dev/null \
    || fail "a change on the new master was refused"
after_everywhere() {
    answers "$NADDR" "$NPORT" after.f1.test TXT after-promotion \
        && answers "$S1ADDR" "$S1PORT" after.f1.test TXT after-promotion \
        && answers "$S2ADDR" "$S2PORT" after.f1.test TXT after-promotion
}
wait_for 120 after_everywhere || fail "the change after the promotion did not reach both slaves"
step "a change on the new master reaches both slaves"

# The signed zone, changed on the promoted replica: signed with the same key, so the
# DS of before the fail-over still validates it.
"$ZT" -c "$RCONF" show_zone sig.test. >"$DMS_SANDBOX/sig.zone"
echo 'www 300 IN A 192.0.2.77' >>"$DMS_SANDBOX/sig.zone"
"$ZT" -c "$RCONF" load_zone_zi "$DMS_SANDBOX/sig.zone" sig.test. >/dev/null \
    || fail "a change to sig.test. on the new master was refused"
for where in "$NADDR $NPORT" "$S1ADDR $S1PORT" "$S2ADDR $S2PORT"; do
    read -r a p <<<"$where"
    wait_for 120 validates "$a" "$p" www.sig.test. A \
        || fail "www.sig.test., added after the promotion, does not validate at $a:$p with DS $DS: $(delv -a "$ANCHOR" +root=sig.test. "@$a" -p "$p" www.sig.test. A 2>&1 | head -n 3)"
done
step "a change to sig.test. after the promotion validates on the new master and both slaves with the old DS"
"$ZT" -c "$RCONF" show_dms_status

# The old master site comes back: PostgreSQL (still a primary, on the old timeline),
# then its dmsd, which must refuse.
"$SB" site master start-pg >/dev/null || fail "the old master's PostgreSQL did not start"
rc=0
timeout 60 "$DMS_BUILD/bin/dmsd" -c "$MCONF" >"$DMS_SANDBOX/fenced.log" 2>&1 || rc=$?
(( rc == 75 )) && grep -q "fenced" "$DMS_SANDBOX/fenced.log" \
    || { cat "$DMS_SANDBOX/fenced.log" >&2; fail "the old master's dmsd was not fenced (exit $rc)"; }
step "the old master's dmsd refuses to run: $(grep -o 'fenced: [^(]*' "$DMS_SANDBOX/fenced.log" | head -n 1)"

step "dms_start_as_replica -f on the old master site"
DMS_DR_CONF=$DMS_SANDBOX/dr.conf "$TOP/sbin/dms_start_as_replica" -f \
    || fail "dms_start_as_replica failed"
streams_from_new_master() {
    "$ZT" -c "$RCONF" show_dms_status | grep -q "standby dms_replica .* streaming"
}
wait_for 120 streams_from_new_master || fail "the re-seeded old master does not stream from the new master"
"$ZT" -c "$MCONF" show_dms_status | grep -q "hot standby (read-only replica)" \
    || fail "the old master's database is not a standby"
# Its dmsd, against the standby, waits.
"$DMS_BUILD/bin/dmsd" -c "$MCONF" >"$DMS_SANDBOX/waiting.log" 2>&1 &
WAITING=$!
wait_for 60 grep -q "is a hot standby" "$DMS_SANDBOX/waiting.log" \
    || { kill "$WAITING"; fail "dmsd against the new standby does not wait"; }
kill -0 "$WAITING" || fail "dmsd against the new standby did not keep waiting"
kill "$WAITING"
wait "$WAITING" || true
step "the old master is the new replica; its dmsd waits for a promotion"
echo "PASS"
