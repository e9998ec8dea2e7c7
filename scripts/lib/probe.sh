# SPDX-License-Identifier: GPL-3.0-or-later
# Looking at a running sandbox from outside, for the shell tests and benchmarks that drive
# one (tests/system/failover_test.sh, backup_test.sh, bench/failover.sh, dnssec.sh).
# Source it; do not run it.
#
#   private_sandbox NAME      a sandbox of one's own: DMS_SANDBOX a new /tmp/dms-NAME.XXXXXX,
#                             DMS_SANDBOX_NET a /24 of its own (unless set), no build
#   wait_for SECONDS CMD...   run CMD every 0.2 s until it succeeds; 1 after SECONDS
#   step TEXT / fail TEXT     a timed progress line / "FAIL: TEXT" and exit 1
#   skip TEXT                 exit 77 (skipped), or a failure when CI is set
#   component NAME            its line of `scripts/sandbox status`: NAME ROLE ADDRESS PORT PID
#   addr_port NAME            "ADDRESS PORT" of that component
#   answers ADDR PORT NAME TYPE TEXT   exit 0 if the server answers with TEXT in the rdata
#   serial_of ADDR PORT ZONE  the SOA serial the server answers ("" if none)

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

component() { "$DMS_TOP/scripts/sandbox" status | awk -v n="$1" '$1 == n'; }
addr_port() { component "$1" | awk '{print $3, $4}'; }
answers() {
    dig +short +norec +time=1 +tries=1 @"$1" -p "$2" "$3" "$4" 2>/dev/null | grep -qF -- "$5"
}
serial_of() {
    dig +short +norec +time=1 +tries=1 @"$1" -p "$2" "$3" SOA 2>/dev/null | awk '{print $3}'
}

private_sandbox() {
    export DMS_SANDBOX_NO_BUILD=1 DMS_SANDBOX
    DMS_SANDBOX=$(mktemp -d "/tmp/dms-$1.XXXXXX")
    chmod 755 "$DMS_SANDBOX"
    # A /24 of its own, so that a developer's sandbox on 127.0.0.x is left alone.
    export DMS_SANDBOX_NET=${DMS_SANDBOX_NET:-127.0.$((100 + RANDOM % 100))}
}
wait_for() {
    local limit=$1 t0=$SECONDS
    shift
    until "$@"; do
        ((SECONDS - t0 < limit)) || return 1
        sleep 0.2
    done
}
step() { echo "== $(date +%T) $*"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
skip() {
    if [[ -n ${CI:-} ]]; then die "$* (CI is set, so this is a failure)"; fi
    echo "SKIP: $*"
    exit 77
}
