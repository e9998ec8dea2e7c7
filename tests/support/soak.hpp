// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The fault soak (issue 11, item 9): a whole dms (DmsDeployment) takes a stream of
// zone changes from several concurrent clients while a chaos loop, at random moments,
// kills dmsd with SIGKILL, stops the master named, stops PostgreSQL (fast or immediate)
// and stops each slave (named and rsyncd), each time starting it again after a random
// while. Then it waits for the system to converge and checks the promise that what was
// saved last is what every server serves:
//   - every zone, on the master and on every slave, serves exactly the content of the
//     last save that returned success (AXFR compared record by record, the SOA serial
//     aside), and each slave serves the master's serial;
//   - sm_event_queue holds no FAILURE and no event pending past its due time by more
//     than the stuck limit, no zone or master event is pending, every zone is PUBLISHED
//     with its newest ZI as candidate and published ZI, every server is OK.
// The time from the end of the stream and the chaos to the first moment all of this
// holds is the convergence time.
//
// Clients save with `zone_tool load_zone_zi` (a process per save, as an operator would);
// each client owns the zones z % clients == its number, so "the last save of a zone" is
// well defined. A save that fails (PostgreSQL down) is not a saved change: the client
// retries the same text until it succeeds, so a failed attempt that did commit changes
// nothing about what must be served. Randomness comes from one seed (the fault
// schedule, each client's zones, changes and pauses), printed so a failure can be
// replayed; thread timing still differs from run to run.
//
// Not for parallel use within one process (one soak at a time).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace dms::test::soak {

struct Options {
    std::uint64_t seed = 0;
    int zones = 100;
    int changes = 1000; ///< saves in all, spread over the clients
    int clients = 4;
    int slaves = 2;
    /// Each kind of fault (dmsd, named, postgresql, each slave) at least this many times;
    /// while the clients still save, more faults of random kinds, each kind at most
    /// max_faults_per_kind times.
    int min_faults_per_kind = 1;
    int max_faults_per_kind = 1000;
    /// The kinds of fault to inject ("dmsd", "named", "postgresql", "slave1", ...);
    /// empty: all of them.
    std::vector<std::string> kinds;
    /// A fault lasts a random time in [down_min, down_max]; between two faults the
    /// system runs for a random time in [gap_min, gap_max].
    std::chrono::milliseconds down_min{1000};
    std::chrono::milliseconds down_max{6000};
    std::chrono::milliseconds gap_min{1000};
    std::chrono::milliseconds gap_max{5000};
    /// Mean pause of a client between two saves (uniform in [0, 2 * mean]).
    std::chrono::milliseconds client_pause{500};
    /// How long to wait for convergence once the stream and the chaos are over.
    std::chrono::seconds converge_deadline{600};
    /// Stop waiting before the deadline when the failed checks have stayed exactly the
    /// same for this long (a stale zone nothing will repair); 0: wait for the deadline.
    std::chrono::seconds stall_after{120};
    /// An unprocessed event due longer ago than this at the end is stuck.
    std::chrono::seconds stuck_after{120};
    /// A save whose retries have not succeeded after this long is given up (a failure).
    std::chrono::seconds give_up_after{300};
    /// dmsd's log level.
    std::string log_level = "info";
    /// When not empty and the soak fails, the logs are copied here.
    std::filesystem::path keep_logs_dir;
};

struct Result {
    bool setup_ok = false; ///< the deployment started and the zones were loaded
    bool converged = false;
    double converge_seconds = -1;      ///< from the end of stream and chaos to converged
    double stream_seconds = 0;         ///< first save to last save and last fault healed
    int saves = 0;                     ///< saves that returned success
    int attempts = 0;                  ///< zone_tool runs, refused ones included
    int refused = 0;                   ///< attempts that failed (then retried)
    int given_up = 0;                  ///< saves never accepted within give_up_after
    std::map<std::string, int> faults; ///< kind -> count
    std::vector<std::string> problems; ///< each failed check, one line
    std::string report;                ///< the diagnosis: zones, records, ZIs, events
    bool ok() const { return setup_ok && converged && problems.empty(); }
};

/// Run the soak; progress lines go to `log` as they happen (each begins with the time
/// since the start). Never throws for what the system under test does: that goes to
/// the result. @throws std::exception only for failures of the harness itself.
Result run(const Options& options, std::ostream& log);

/// A seed from the clock and the process id, for runs without one.
std::uint64_t random_seed();

} // namespace dms::test::soak
