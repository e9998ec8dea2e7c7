#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Backups (docs/operations.md "Backups and restore") on a private sandbox: real
# PostgreSQL, the master named, two slaves, dmsd, on 127.0.N.x (DMS_SANDBOX_NET) in a
# temp dir.
#  1. A zone with a record, served everywhere; sbin/dms_dumpdb three times with -k 2:
#     two dumps left, the newest named.
#  2. After the dump: a new zone, and a new record in the first one, served everywhere.
#  3. dms_restoredb is refused while dmsd runs; then dmsd and named stopped,
#     dms_restoredb -f -n DUMP: the database is the dump's (the new zone gone, the new
#     record gone), the previous database kept renamed, named's files rewritten.
#  4. named and dmsd started: the master and both slaves serve the restored zone without
#     the later record (the slaves had a newer serial: it is published above it), and
#     the master no longer serves the zone created after the dump.
#   tests/system/backup_test.sh BUILD_DIR
# Exit 0 on success; with CI unset and a missing tool, 77 (skipped).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export DMS_BUILD=${1:-${DMS_BUILD:-$TOP/build}}
source "$TOP/scripts/lib/common.sh"
source "$TOP/scripts/lib/probe.sh" # private_sandbox, wait_for, step, fail, skip, addr_port, ...

for tool in named rsync dig psql pg_dump pg_restore; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || skip "PostgreSQL server binaries missing"

private_sandbox backup
SB=$TOP/scripts/sandbox
export ZONE_TOOL=$DMS_BUILD/bin/zone_tool
ZT=$ZONE_TOOL
CONF=$DMS_SANDBOX/dms.conf
DUMPS=$DMS_SANDBOX/dumps

cleanup() {
    local rc=$?
    set +e
    if ((rc != 0)) && [[ -f $DMS_SANDBOX/dmsd.log ]]; then
        echo "---- dmsd.log" >&2
        tail -n 40 "$DMS_SANDBOX/dmsd.log" >&2
    fi
    "$SB" down >/dev/null 2>&1
    rm -rf "$DMS_SANDBOX"
    exit "$rc"
}
trap cleanup EXIT

step "sandbox (DMS_SANDBOX=$DMS_SANDBOX, net $DMS_SANDBOX_NET)"
"$SB" up >"$DMS_SANDBOX.up.log" 2>&1 || { cat "$DMS_SANDBOX.up.log" >&2; fail "sandbox up"; }
rm -f "$DMS_SANDBOX.up.log"
read -r MADDR MPORT < <(addr_port master)
read -r S1ADDR S1PORT < <(addr_port slave1)
read -r S2ADDR S2PORT < <(addr_port slave2)

everywhere() { # NAME TYPE TEXT: the master and both slaves answer it
    answers "$MADDR" "$MPORT" "$1" "$2" "$3" && answers "$S1ADDR" "$S1PORT" "$1" "$2" "$3" \
        && answers "$S2ADDR" "$S2PORT" "$1" "$2" "$3"
}
nowhere() { # NAME TYPE TEXT: none of them answers it
    ! answers "$MADDR" "$MPORT" "$1" "$2" "$3" && ! answers "$S1ADDR" "$S1PORT" "$1" "$2" "$3" \
        && ! answers "$S2ADDR" "$S2PORT" "$1" "$2" "$3"
}
save() { # ZONE RECORD...: the zone with these records (a new ZI, published)
    local z=$1 f=$DMS_SANDBOX/save.zone
    shift
    printf '$TTL 300\n@ SOA ns1.example.net. hostmaster.example.net. 1 7200 900 604800 300\n@ NS ns1.example.net.\n' >"$f"
    printf '%s\n' "$@" >>"$f"
    "$ZT" -c "$CONF" load_zone_zi "$f" "$z" >/dev/null || fail "load_zone_zi $z"
}

"$ZT" -c "$CONF" create_zone keep.test. >/dev/null
save keep.test. 'before 300 IN TXT "before-dump"'
wait_for 120 everywhere before.keep.test TXT before-dump || fail "keep.test. not served everywhere"
step "keep.test. with its record served by the master and both slaves"

for i in 1 2 3; do
    DMS_CONFIG=$CONF "$TOP/sbin/dms_dumpdb" -o "$DUMPS" -k 2 >"$DMS_SANDBOX/dump.out" \
        || fail "dms_dumpdb: $(cat "$DMS_SANDBOX/dump.out")"
    ((i < 3)) && sleep 1.1
done
cat "$DMS_SANDBOX/dump.out"
DUMP=$(sed -n 's/^dump_db: \(.*\.dump\) (.*/\1/p' "$DMS_SANDBOX/dump.out" | head -n 1)
[[ -s $DUMP ]] || fail "dms_dumpdb named no dump file"
n=$(find "$DUMPS" -name 'dms-dms-*.dump' | wc -l)
((n == 2)) || fail "dms_dumpdb -k 2 left $n dumps"
[[ $(stat -c %a "$DUMP") == 600 ]] || fail "the dump is not mode 0600"
step "dms_dumpdb: $DUMP, two dumps kept"

"$ZT" -c "$CONF" create_zone gone.test. >/dev/null
save keep.test. 'before 300 IN TXT "before-dump"' 'after 300 IN TXT "after-dump"'
wait_for 120 everywhere after.keep.test TXT after-dump || fail "the later record not served everywhere"
served_by_master() { [[ -n $(serial_of "$MADDR" "$MPORT" "$1") ]]; }
wait_for 120 served_by_master gone.test. || fail "gone.test. not served"
step "after the dump: gone.test. created, keep.test. changed, served everywhere"

rc=0
DMS_ADMIN_CONFIG=$CONF "$TOP/sbin/dms_restoredb" -f "$DUMP" >"$DMS_SANDBOX/refused.out" 2>&1 || rc=$?
((rc != 0)) && grep -q "dmsd is running" "$DMS_SANDBOX/refused.out" \
    || fail "dms_restoredb was not refused while dmsd runs (exit $rc): $(cat "$DMS_SANDBOX/refused.out")"
"$ZT" -c "$CONF" ls | grep -q '^gone.test.' || fail "the refused restore changed the database"
step "dms_restoredb refused while dmsd runs"

"$SB" site master stop-dmsd || fail "stopping dmsd"
"$SB" site master stop-named || fail "stopping named"
DMS_ADMIN_CONFIG=$CONF "$TOP/sbin/dms_restoredb" -f -n "$DUMP" || fail "dms_restoredb -f -n"
"$ZT" -c "$CONF" ls | grep -q '^gone.test.' && fail "gone.test. is still in the restored database"
"$ZT" -c "$CONF" show_zone keep.test. | grep -q after-dump && fail "the later record is still in keep.test."
ADMIN=$DMS_SANDBOX/admin.conf
psql -At -h "$(sed -n 's/^db_host = //p' "$ADMIN")" -p "$(sed -n 's/^db_port = //p' "$ADMIN")" \
    -U "$(sed -n 's/^db_user = //p' "$ADMIN")" -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'dms_before_%'" \
    | grep -q dms_before_ || fail "the database before the restore was not kept"
step "the database is the dump's; the one before is kept"

"$SB" site master start-named master || fail "starting named"
"$SB" site master start-dmsd || fail "starting dmsd"
wait_for 180 nowhere after.keep.test TXT after-dump \
    || fail "the record saved after the dump is still served somewhere"
wait_for 60 everywhere before.keep.test TXT before-dump || fail "keep.test. not served everywhere"
served_by_master gone.test. && fail "the master still serves gone.test."
step "the master and both slaves serve the restored keep.test.; gone.test. is gone from the master"
echo PASS
