# SPDX-License-Identifier: GPL-3.0-or-later
# The sanitizer run-time options of the sanitizer and fuzz builds. Source it.
# Every report is fatal (halt_on_error, with -fno-sanitize-recover at compile time),
# leaks are checked at exit, and the stack of each report is symbolized.
_supp="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/sanitizer/lsan.supp"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1:detect_invalid_pointer_pairs=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$_supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
unset _supp
