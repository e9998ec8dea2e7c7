// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace dms {
/// Process exit statuses (BSD sysexits values), shared by zone_tool and dmsd.
enum class ExitStatus : int {
    ok = 0,
    usage = 64,       ///< EX_USAGE: bad command line
    data_err = 65,    ///< EX_DATAERR: bad input data
    no_input = 66,    ///< EX_NOINPUT: input file missing
    no_host = 68,     ///< EX_NOHOST: named thing not found
    unavailable = 69, ///< EX_UNAVAILABLE: service unavailable, read-only database
    software = 70,    ///< EX_SOFTWARE: internal error
    os_err = 71,      ///< EX_OSERR
    cant_create = 73, ///< EX_CANTCREAT
    io_err = 74,      ///< EX_IOERR
    temp_fail = 75,   ///< EX_TEMPFAIL: declined or try again
    protocol = 76,    ///< EX_PROTOCOL: state machine refused
    no_perm = 77,     ///< EX_NOPERM
    config = 78,      ///< EX_CONFIG: configuration error
};

constexpr int to_int(ExitStatus s) {
    return static_cast<int>(s);
}
} // namespace dms
