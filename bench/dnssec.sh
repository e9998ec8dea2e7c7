#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# DNSSEC benchmark (issue 14), on a private sandbox of its own (scripts/sandbox with
# DMS_SANDBOX in a temp dir and DMS_SANDBOX_NET on a /24 of its own, so a developer's
# sandbox is left alone): PostgreSQL, the master named, slave1 and slave2, dmsd.
# Validation is `delv` at each slave with the zone's DS as the only trust anchor.
#   (a) signing: `set_zone Z auto_dnssec` return -> show_dnssec gives the DS -> the SOA
#       validates at every slave, over E zones (default 5);
#   (b) a record change on a signed zone: zone_tool load_zone_zi return -> every slave has
#       the serial -> the new record validates at every slave, p50/p99 over N changes
#       (default 100); beside the same on an unsigned zone, and beside the raw primitive
#       (nsupdate straight to the master on a signed zone: BIND's signing, NOTIFY and
#       IXFR alone);
#   (c) S zones (default 1,000) loaded unsigned with load_zones, then all signed at once:
#       (once every slave serves them all) set_zone for each, until every slave serves
#       each with a serial past its unsigned one; recreate_ds '*'; a sample of 20
#       validated with their DS files.
#   bench/dnssec.sh [N] [E] [S]
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
source "$TOP/scripts/lib/common.sh"
source "$TOP/scripts/lib/named.sh"
source "$TOP/scripts/lib/probe.sh" # private_sandbox

n=${1:-100}; enables=${2:-5}; many=${3:-1000}
bin=$DMS_BUILD/bin
[[ -x $bin/propagation_bench ]] || die "build first (scripts/build)"
command -v delv >/dev/null || die "delv is not installed (scripts/install-deps)"

private_sandbox bench-dnssec
SB=$TOP/scripts/sandbox
conf=$DMS_SANDBOX/dms.conf
work=$DMS_SANDBOX/bench
cleanup() {
    "$SB" down >/dev/null 2>&1 || true
    rm -rf "$DMS_SANDBOX"
}
trap cleanup EXIT
"$SB" up >"$DMS_SANDBOX.up.log" 2>&1 || { cat "$DMS_SANDBOX.up.log" >&2; die "sandbox up"; }
rm -f "$DMS_SANDBOX.up.log"
mkdir -p "$work"
slaves=$("$SB" status | awk '$2 == "named-slave" { print $3 ":" $4 }')
[[ -n $slaves ]] || die "the sandbox runs no slaves"
zt() { "$bin/zone_tool" -c "$conf" "$@"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); named $(named -v | cut -d' ' -f2); slaves: $(echo $slaves)"

# (a)
"$bin/propagation_bench" enable "$bin/zone_tool" "$conf" "en" "$enables" $slaves

# (b) a signed zone, an unsigned zone, a signed zone for nsupdate.
for z in chg.sig. plain.prop. raw.sig.; do
    zt create_zone "$z" >/dev/null
done
zt set_zone chg.sig. auto_dnssec >/dev/null
zt set_zone raw.sig. auto_dnssec >/dev/null
"$bin/propagation_bench" create "$bin/zone_tool" "$conf" "warm-" 1 $slaves >/dev/null
anchor() { # ZONE FILE: a delv anchor from show_dnssec's SHA-256 DS, once there is one
    local ds="" t
    for (( t = 0; t < 600; t++ )); do
        ds=$(zt show_dnssec "$1" | sed -n 's/.* IN DS \([0-9]* [0-9]* 2 [0-9A-F]*\)$/\1/p' | head -n 1)
        [[ -n $ds ]] && break
        sleep 0.1
    done
    [[ -n $ds ]] || die "$1: no DS from show_dnssec"
    read -r tag alg type hex <<<"$ds"
    echo "trust-anchors { $1 static-ds $tag $alg $type \"$hex\"; };" >"$2"
}
anchor chg.sig. "$work/chg.anchor"
anchor raw.sig. "$work/raw.anchor"
zt show_zone chg.sig. >"$work/chg.zone"
zt show_zone plain.prop. >"$work/plain.zone"
# Both signed zones validate everywhere before measuring.
for z in chg raw; do
    for s in $slaves; do
        for (( t = 0; t < 600; t++ )); do
            delv -a "$work/$z.anchor" +root=$z.sig. "@${s%:*}" -p "${s#*:}" "$z.sig." SOA 2>&1 \
                | grep -q '^; fully validated' && break
            sleep 0.1
        done
    done
done
"$bin/propagation_bench" change "$bin/zone_tool" "$conf" plain.prop. "$work/plain.zone" "$n" $slaves
"$bin/propagation_bench" signed-change "$bin/zone_tool" "$conf" chg.sig. "$work/chg.zone" "$n" \
    "$work/chg.anchor" $slaves
"$bin/propagation_bench" signed-nsupdate "$conf" "$DMS_SANDBOX/bind/update-session.key" raw.sig. "$n" \
    "$work/raw.anchor" $slaves

# (c)
mkdir -p "$work/zones"
: >"$work/many.list"
for (( i = 0; i < many; i++ )); do
    z=m$i.many.
    printf '$TTL 300\n@ SOA ns1.example.net. hostmaster.example.net. 1 7200 900 604800 300\n@ NS ns1.example.net.\nwww A 192.0.2.%d\n' \
        $(( i % 250 + 1 )) >"$work/zones/$z"
    echo "$z" >>"$work/many.list"
done
t0=$(date +%s%N)
zt load_zones -f "$work"/zones/* >/dev/null
echo "load_zones of $many zones: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
"$bin/propagation_bench" sign-many "$bin/zone_tool" "$conf" "$work/many.list" 20 "$DMS_SANDBOX/master/ds" $slaves
