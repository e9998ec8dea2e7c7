// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The dmsd process: event workers (threads, one database connection each), a LISTEN
// connection on dms_events watched by a Boost.Asio loop that also handles signals, and
// the reconciler. A committed event wakes the workers within milliseconds; otherwise
// each sleeps until the next event is due.
//
//   SIGTERM, SIGINT  finish the events in progress, then exit 0
//   SIGHUP           reload: if the configuration file loads, finish the events in
//                    progress and return reload_requested (main() then executes dmsd
//                    again in place: same PID, same arguments, the new configuration);
//                    if it does not, log why and run on (waking the workers and the
//                    reconciler, as before)

#include "dms/core/config.hpp"

namespace dms::dmsd {

/// Run until SIGTERM/SIGINT. Returns the exit status (sysexits): EX_TEMPFAIL if another
/// dmsd holds the PID file, EX_CONFIG for configuration errors (key file, templates),
/// EX_UNAVAILABLE if the database cannot be reached at start.
///
/// A database that is a hot standby (a replica site's) is waited for: dmsd logs it once,
/// checks every standby_check_interval seconds and starts when it has been promoted
/// (SIGTERM meanwhile ends it cleanly). Before it works it checks that it is not fenced
/// (engine::check_not_fenced; EX_TEMPFAIL "fenced: ..." when another node took over);
/// `force` (dmsd --force) overrides that check.
int run_daemon(const Config& config, bool force = false);

/// run_daemon's answer to a SIGHUP whose configuration loads: start again.
constexpr int reload_requested = -1;

} // namespace dms::dmsd
