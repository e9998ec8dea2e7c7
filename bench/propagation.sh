#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Propagation benchmark (issue: server groups and slaves), on the sandbox (scripts/sandbox
# up: PostgreSQL, the master named on 127.0.0.2, slave1 and slave2 with rsync daemons on
# 127.0.0.3/4, dmsd). Each figure beside the raw BIND primitive in the same run:
#   (a) a record change: zone_tool load_zone_zi return -> every slave answers the new
#       serial, p50/p99 over N changes (default 100), beside nsupdate straight to the
#       master -> every slave (BIND's NOTIFY + IXFR alone);
#   (b) a new zone: create_zone return -> every slave answers it, over Z zones (default 10).
#   bench/propagation.sh [N] [Z]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/common.sh"

n=${1:-100}; zones=${2:-10}
bin=$DMS_BUILD/bin
conf=$DMS_TOP/var/sandbox/dms.conf
[[ -x $bin/propagation_bench ]] || die "build first (scripts/build)"
"$DMS_TOP/scripts/sandbox" status | grep -q '^dmsd ' || "$DMS_TOP/scripts/sandbox" up >/dev/null
slaves=$("$DMS_TOP/scripts/sandbox" status | awk '$2 == "named-slave" { print $3 ":" $4 }')
[[ -n $slaves ]] || die "the sandbox runs no slaves"
zt() { "$bin/zone_tool" -c "$conf" "$@"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); named $(named -v | cut -d' ' -f2); slaves: $(echo $slaves)"

stamp=$(date +%s)
work=$(mktemp -d /tmp/dms-bench-propagation.XXXXXX)
trap 'rm -rf "$work"' EXIT
for z in "bench-$stamp.prop." "raw-$stamp.prop."; do
    zt create_zone "$z" >/dev/null
done
# Both zones on every slave before measuring.
"$bin/propagation_bench" create "$bin/zone_tool" "$conf" "warm-$stamp-" 1 $slaves >/dev/null
zt show_zone "bench-$stamp.prop." >"$work/base.zone"
"$bin/propagation_bench" change "$bin/zone_tool" "$conf" "bench-$stamp.prop." "$work/base.zone" "$n" $slaves
"$bin/propagation_bench" nsupdate "$conf" "$DMS_TOP/var/sandbox/bind/update-session.key" "raw-$stamp.prop." "$n" $slaves
"$bin/propagation_bench" create "$bin/zone_tool" "$conf" "new-$stamp-" "$zones" $slaves
