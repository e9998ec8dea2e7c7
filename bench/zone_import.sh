#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Zone import benchmark (issue: zone data). Generates a zone of N records (default
# 1,000,000, mixed types) and measures in one run: our parse, parse + validate,
# the full `zone_tool load_zone` into a private PostgreSQL, `zone_tool show_zone`,
# and named-checkzone and ldns-read-zone on the same file. Prints one line each:
#   STAGE  seconds  records/s  peak-MB
#   bench/zone_import.sh [N]
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/pg.sh"

n=${1:-1000000}
bin=$DMS_BUILD/bin
[[ -x $bin/zone_import_bench && -x $bin/zone_tool ]] || die "build first (scripts/build)"
work=$(mktemp -d /tmp/dms-bench-import.XXXXXX)
chmod 755 "$work"
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
zone=$work/bench.example
"$bin/zone_import_bench" generate "$n" "$zone"
records=$(grep -cv '^\(;\|\$\|$\)' "$zone")

# /usr/bin/time: elapsed seconds and peak RSS (KB) of one command.
measure() {
    local label=$1; shift
    local t
    /usr/bin/time -o "$work/time" -f '%e %M' "$@" >/dev/null 2>"$work/err" \
        || { cat "$work/err" >&2; die "$label failed"; }
    t=$(tail -n 1 "$work/time")
    local secs=${t% *} kb=${t#* }
    awk -v l="$label" -v s="$secs" -v k="$kb" -v n="$records" \
        'BEGIN { printf "%-22s %7.2f s %10.0f RR/s %6.0f MB\n", l, s, (s > 0 ? n / s : 0), k / 1024 }'
}

echo "zone: $records records, $(du -h "$zone" | cut -f1), on $(nproc) cores"
measure "dms parse" "$bin/zone_import_bench" parse "$zone"
measure "dms parse+validate" "$bin/zone_import_bench" validate "$zone"
measure "named-checkzone" named-checkzone -q bench.example "$zone"
measure "ldns-read-zone" ldns-read-zone "$zone"

mkdir -p "$work/pg"
pg_start "$work/pg" trust >/dev/null || die "PostgreSQL did not start"
conf=$work/dms.conf
printf '[DEFAULT]\ndb_host = 127.0.0.1\ndb_port = %s\ndb_user = dms_admin\ndb_name = dms\n' \
    "$(cat "$work/pg/port")" >"$conf"
"$bin/zone_tool" -c "$conf" create_db >/dev/null
measure "zone_tool load_zone" "$bin/zone_tool" -c "$conf" load_zone "$zone" bench.example
measure "zone_tool show_zone" "$bin/zone_tool" -c "$conf" show_zone bench.example
