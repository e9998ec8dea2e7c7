#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian package (cmake/DmsPackaging.cmake), made by cpack from the binaries of
# BUILD_DIR (no second compile), checked without installing it on this machine:
#
#  1. dpkg-deb -I: Package dms, Version = the programs' version + "-1", Depends naming
#     the libraries and the programs dms runs; every package in Depends and Recommends
#     is known to apt (apt-cache show).
#  2. The control area: postinst, prerm and postrm pass sh -n; every conffile is in
#     the package.
#  3. dpkg -x into a temp dir: the unpacked usr/bin/zone_tool --version and
#     usr/sbin/dmsd --version print that version; each usr/sbin/dms_* link resolves
#     inside the package and its -h runs (it sources lib/dr.sh and scripts/lib/pg.sh
#     from the installed layout).
#  4. The packaged /etc/dms/dms.conf as a starting config: with only the four db_*
#     lines an operator edits set to the test cluster (the pg_cluster fixture), the
#     unpacked zone_tool create_db installs the schema in a new database and the
#     unpacked dmsd --check accepts configuration and database.
#  5. systemd-analyze verify on copies of the unit files whose /usr/... programs are
#     rewritten to the unpacked tree (the package is not installed here, so the real
#     paths do not exist). It checks syntax, known keys and values, and that every
#     program exists and is executable; not that the service starts: no systemd runs
#     here. Any line it prints fails the test. /usr/sbin/dms_dumpdb is allowed to be
#     missing while sbin/dms_dumpdb does not exist in the source tree (it is being
#     written; the unit then checks against /bin/true and says so).
#  6. The cron.d example: each job line has a user that the package uses.
#  7. As root with a private mount namespace and overlayfs (else said and skipped):
#     dpkg -i in a chroot on a throwaway overlay of /, so the host is left alone:
#     postinst creates the user dmsd (in group bind) and its directories; the
#     installed dms_promote_replica -h works; dpkg --purge removes user and
#     directories.
#
#   tests/system/package_test.sh BUILD_DIR
# Exit 0 on success; with CI unset and a missing tool, 77 (skipped).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)

skip() {
    if [[ -n ${CI:-} ]]; then fail "$* (CI is set, so this is a failure)"; fi
    echo "SKIP: $*"
    exit 77
}
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }

for tool in cpack dpkg-deb dpkg apt-cache systemd-analyze psql; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps)"
done
[[ -f $BUILD/CPackConfig.cmake ]] || fail "$BUILD/CPackConfig.cmake missing: not a configured build"
state=${DMS_TEST_PG_STATE:-$BUILD/testing/pg-cluster.state}
[[ -f $state ]] || skip "no test cluster state $state (run through ctest: fixture pg_cluster)"
if grep -q '^unavailable=' "$state"; then skip "test cluster $(sed -n 's/^unavailable=//p' "$state")"; fi
pg_host=$(sed -n 's/^host=//p' "$state")
pg_port=$(sed -n 's/^port=//p' "$state")
pg_user=$(sed -n 's/^user=//p' "$state")

work=$(mktemp -d /tmp/dms-package-test.XXXXXX)
db=dms_pkg_$$
cleanup() {
    psql -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres \
        -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

step "cpack on $BUILD"
cpack --config "$BUILD/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
debs=("$work"/out/dms_*.deb)
if ((${#debs[@]} != 1)) || [[ ! -f ${debs[0]} ]]; then
    fail "cpack made no single dms_*.deb: ${debs[*]}"
fi
deb=${debs[0]}
echo "package: ${deb##*/} ($(stat -c %s "$deb") bytes)"

step "1. control fields"
dpkg-deb -I "$deb" >"$work/info" || fail "dpkg-deb -I failed"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == dms ]] || fail "Package is '$(field Package)', not dms"
root=$work/root
dpkg -x "$deb" "$root"
program_version=$("$root/usr/bin/zone_tool" --version | sed -n 's/^zone_tool (dms) //p')
[[ -n $program_version ]] || fail "the unpacked zone_tool --version printed no version"
[[ $(field Version) == "$program_version-1" ]] \
    || fail "Version is '$(field Version)', the programs say $program_version"
depends=$(field Depends)
for need in libpqxx-6.4 libldns3 libfmt9 libssl3 bind9 bind9-utils rsync postgresql-client adduser; do
    [[ ", $depends," == *", $need"[\ ,]* ]] || fail "Depends lacks $need: $depends"
done
echo "Version: $(field Version)"
echo "Depends: $depends"
echo "Recommends: $(field Recommends)"
# Every name in Depends and Recommends, alternatives included, without versions.
names=$(printf '%s,%s\n' "$depends" "$(field Recommends)" | tr ',|' '\n' \
    | sed 's/(.*)//; s/[[:space:]]//g' | sed '/^$/d' | sort -u)
for name in $names; do
    apt-cache show "$name" >/dev/null 2>&1 || fail "apt does not know the package $name"
done
echo "apt knows all $(wc -w <<<"$names") packages named"

step "2. control area"
dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
    [[ -x $work/control/$script ]] || fail "no executable $script in the package"
    sh -n "$work/control/$script" || fail "$script: sh -n failed"
done
[[ -s $work/control/conffiles ]] || fail "no conffiles"
while read -r conffile; do
    [[ -f $root$conffile ]] || fail "conffile $conffile is not in the package"
done <"$work/control/conffiles"
echo "maintainer scripts parse; $(wc -l <"$work/control/conffiles") conffiles present"

step "3. the unpacked programs"
"$root/usr/bin/zone_tool" --version | grep -qx "zone_tool (dms) $program_version" \
    || fail "zone_tool --version"
"$root/usr/sbin/dmsd" --version | grep -qx "dmsd (dms) $program_version" || fail "dmsd --version"
echo "zone_tool and dmsd --version: $program_version, exit 0"
links=0
for link in "$root"/usr/sbin/dms_*; do
    [[ -L $link ]] || fail "${link#"$root"} is not a link to /usr/share/dms/sbin"
    target=$(readlink -f "$link")
    [[ $target == "$root/usr/share/dms/sbin/"* && -x $target ]] \
        || fail "${link#"$root"} -> $(readlink "$link") does not resolve inside the package"
    "$link" -h >"$work/usage" 2>&1 || fail "${link##*/} -h: $(cat "$work/usage")"
    grep -q "^usage: ${link##*/}" "$work/usage" || fail "${link##*/} -h printed: $(cat "$work/usage")"
    links=$((links + 1))
done
((links >= 4)) || fail "only $links DR programs in /usr/sbin"
echo "$links DR programs in /usr/sbin run -h from the installed layout"

step "4. the packaged dms.conf against PostgreSQL $pg_host:$pg_port"
conf=$work/dms.conf
sed -e "s/^;db_host =.*/db_host = $pg_host/" -e "s/^;db_port =.*/db_port = $pg_port/" \
    -e "s/^;db_name =.*/db_name = $db/" -e "s/^;db_user =.*/db_user = $pg_user/" \
    "$root/etc/dms/dms.conf" >"$conf"
[[ $(diff "$root/etc/dms/dms.conf" "$conf" | grep -c '^>') == 4 ]] \
    || fail "the packaged dms.conf lacks one of the ;db_host/;db_port/;db_name/;db_user lines"
"$root/usr/bin/zone_tool" -c "$conf" create_db >"$work/create_db.log" 2>&1 \
    || fail "zone_tool create_db: $(cat "$work/create_db.log")"
sed 's/^/  /' "$work/create_db.log"
"$root/usr/sbin/dmsd" --check -c "$conf" >"$work/check.log" 2>&1 \
    || fail "dmsd --check: $(cat "$work/check.log")"
grep -q "configuration OK; database .* at schema version" "$work/check.log" \
    || fail "dmsd --check printed: $(cat "$work/check.log")"
sed 's/^/  /' "$work/check.log"

step "5. systemd-analyze verify"
units=$work/units
mkdir "$units"
cp "$root"/lib/systemd/system/* "$units/"
for unit in dmsd.service dms-vacuum.service dms-vacuum.timer dms-dumpdb.service dms-dumpdb.timer; do
    [[ -f $units/$unit ]] || fail "the package has no $unit"
done
if [[ ! -e $root/usr/sbin/dms_dumpdb ]]; then
    [[ ! -e $TOP/sbin/dms_dumpdb ]] || fail "sbin/dms_dumpdb exists but is not in the package"
    echo "NOTE: sbin/dms_dumpdb does not exist yet: dms-dumpdb.service is verified with /bin/true"
    sed -i 's|^ExecStart=/usr/sbin/dms_dumpdb|ExecStart=/bin/true|' "$units/dms-dumpdb.service"
fi
sed -i -E "s#^(Exec[A-Za-z]*=[-@:+!]*)/usr/#\1$root/usr/#" "$units"/*.service
grep -h '^Exec' "$units"/*.service | sed "s#$root#<pkg>#; s/^/  /"
(cd "$units" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no ./*.service ./*.timer) \
    >"$work/verify.log" 2>&1 || fail "systemd-analyze verify: $(cat "$work/verify.log")"
# Lines about this machine being a container are not about the units.
grep -v -e 'container' -e 'PID 1' "$work/verify.log" >"$work/verify.units" || true
[[ ! -s $work/verify.units ]] || fail "systemd-analyze verify: $(cat "$work/verify.units")"
echo "systemd-analyze verify: no complaint about the units: $(cd "$units" && echo *)"

step "6. cron.d example"
cron=$root/usr/share/doc/dms/examples/cron.d-dms
[[ -f $cron ]] || fail "no cron.d example"
jobs=0
while read -r m _ _ _ _ user command; do
    [[ -z $m || $m == \#* || $m == *=* ]] && continue
    [[ $user == root || $user == dmsd ]] || fail "cron job for user '$user': $command"
    [[ -n $command ]] || fail "cron line without command"
    jobs=$((jobs + 1))
done <"$cron"
((jobs == 2)) || fail "the cron.d example has $jobs jobs, not 2"
echo "cron.d example: $jobs jobs"

step "7. dpkg -i / --purge on a throwaway overlay of /"
overlay_ok() {
    [[ $(id -u) == 0 ]] && unshare -m --propagation private true 2>/dev/null \
        && grep -qw overlay /proc/filesystems
}
if ! overlay_ok; then
    echo "NOT CHECKED: needs root, mount namespaces and overlayfs (the maintainer scripts"
    echo "were only checked with sh -n)"
    echo "PASS"
    exit 0
fi
cp "$deb" "$work/pkg.deb"
cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
fail() { echo "FAIL (inside): $*" >&2; exit 1; }
dpkg -i /tmp/pkg.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -i"; }
id dmsd >/dev/null || fail "no user dmsd"
groups=" $(id -nG dmsd) "
if getent group bind >/dev/null; then [[ $groups == *" bind "* ]] || fail "dmsd not in group bind"; fi
for d in /var/lib/dms /var/lib/dms/master-config /var/lib/dms/dms-sg /var/lib/dms/rndc /var/log/dms; do
    [[ $(stat -c %U "$d") == dmsd ]] || fail "$d is not dmsd's"
done
usage=$(/usr/sbin/dms_promote_replica -h) || fail "dms_promote_replica -h"
[[ $usage == "usage: dms_promote_replica"* ]] || fail "dms_promote_replica -h printed: $usage"
[[ $(zone_tool --version) == "zone_tool (dms) "* ]] || fail "installed zone_tool --version"
echo "installed: user $(id dmsd); directories dmsd's"
dpkg --purge dms >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg --purge"; }
! id dmsd >/dev/null 2>&1 || fail "purge left the user dmsd"
[[ ! -e /var/lib/dms && ! -e /usr/bin/zone_tool ]] || fail "purge left files"
echo "purged: user and directories gone"
INSIDE
cat >"$work/overlay.sh" <<'OVERLAY'
set -euo pipefail
work=$1
mnt=$work/ovl
mkdir -p "$mnt"
mount -t tmpfs tmpfs "$mnt"
mkdir -p "$mnt/upper" "$mnt/work" "$mnt/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$mnt/upper,workdir=$mnt/work" "$mnt/root"
for d in proc dev sys; do mount --rbind "/$d" "$mnt/root/$d"; done
# An empty /run: no systemd for the maintainer scripts to talk to.
mount -t tmpfs tmpfs "$mnt/root/run"
mount -t tmpfs tmpfs "$mnt/root/tmp"
cp "$work/pkg.deb" "$work/inside.sh" "$mnt/root/tmp/"
chroot "$mnt/root" /bin/bash /tmp/inside.sh
OVERLAY
unshare -m --propagation private /bin/bash "$work/overlay.sh" "$work" \
    || fail "install in the overlay (see above)"
echo "PASS"
