# SPDX-License-Identifier: GPL-3.0-or-later
# Looking at a running sandbox from outside, for the shell tests and benchmarks that drive
# one (tests/system/failover_test.sh, bench/failover.sh). Source it; do not run it.
#
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
