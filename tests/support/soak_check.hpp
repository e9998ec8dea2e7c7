// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The fault soak's end checks and its diagnosis (see soak.hpp): what every server serves
// against what the clients saved last, and what the database says about zones, events
// and servers. Separate from the run so each half stays readable.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "dms_deployment.hpp"

namespace dms::test::soak {

/// One version of a zone a client tried to save.
struct Version {
    int version = 0;
    int client = -1;
    std::vector<std::string> expected; ///< ZoneContent::expected()
    bool saved = false;                ///< a zone_tool run returned success
    std::int64_t zi = 0;               ///< the ZI id zone_tool reported
    std::string started;               ///< wall clock of the first attempt, HH:MM:SS.mmm
    std::string finished;              ///< wall clock of the last attempt's end
    int attempts = 0;
    std::string last_error; ///< of the last failed attempt
};

/// Everything saved to one zone, oldest first.
struct ZoneHistory {
    std::string zone;
    int owner = -1; ///< the client that saves it
    std::vector<Version> versions;
    /// The newest version saved successfully (nullptr if none).
    const Version* last_saved() const;
    /// The version whose content is `served` ("" if none), e.g. "v12".
    std::string which(const std::vector<std::string>& served) const;
};

struct CheckResult {
    std::vector<std::string> problems; ///< one line per failed check
    std::vector<std::string> bad_zones;
    /// Short state for progress lines: "3 zones differ on the master, ..."
    std::string summary;
    bool ok() const { return problems.empty(); }
};

/// All the end checks, once. `stuck_after`: see soak::Options.
CheckResult check(DmsDeployment& dms, const std::vector<ZoneHistory>& zones,
                  std::chrono::seconds stuck_after);

/// The diagnosis of a failed check: per bad zone (at most `max_zones`) the expected and
/// served records, the zone's row, ZIs, recent events, saves and dmsd log lines; then
/// the FAILURE and pending events and the servers.
std::string diagnose(DmsDeployment& dms, const std::vector<ZoneHistory>& zones,
                     const CheckResult& result, std::size_t max_zones = 10);

/// Wall-clock time of day in UTC, "HH:MM:SS.mmm" (the form the diagnosis uses
/// for database timestamps too).
std::string wall_clock();

} // namespace dms::test::soak
