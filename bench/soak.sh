#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fault soak (issue 11). A private PostgreSQL, a master named, slaves (named + rsyncd)
# and dmsd on 127.0.0.1 (free ports, temp dirs); clients save a stream of zone changes
# with `zone_tool load_zone_zi` while dmsd is killed (SIGKILL), and the master named,
# PostgreSQL and each slave are stopped and started again at random moments. Then: the
# time until every zone serves its last saved content on the master and every slave
# (AXFR, record by record) with no event failed or stuck, and PASS or FAIL with a
# diagnosis. Seeded: the seed is printed; --seed N replays the schedule.
#   bench/soak.sh [--seed N] [--zones 100] [--changes 1000] [--clients 4] [--slaves 2]
#                 [--faults MIN:MAX] [--kinds K,K...] [--down MS:MS] [--gap MS:MS] [--pause MS]
#                 [--deadline S] [--stall S] [--log-level L] [--keep-logs DIR]
# Defaults: 100 zones, 1000 changes, 4 clients, 2 slaves, each fault kind at least 3
# times, down 1-6 s, gaps 1-5 s, clients pause 0-1 s between saves.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/common.sh"

bin=$DMS_BUILD/bin
[[ -x $bin/soak_bench && -x $bin/zone_tool && -x $bin/dmsd ]] || die "build first (scripts/build)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); named $(named -v | cut -d' ' -f2); $(/usr/lib/postgresql/*/bin/postgres --version | head -n 1)"
exec "$bin/soak_bench" --zones 100 --changes 1000 --clients 4 --slaves 2 --faults 3:1000 "$@"
