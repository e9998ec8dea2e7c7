// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What dmsd's /metrics reports from the database (docs/api.md "Metrics"): gauges read
// in one transaction, each by an index or a small table, so a scrape stays cheap with
// millions of processed events (those are counted only as failures, by the state index).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db::metrics {

struct Snapshot {
    std::vector<std::pair<std::string, std::int64_t>> pending_by_type; ///< NEW and RETRY
    std::int64_t retrying = 0;                                         ///< RETRY of those
    std::int64_t failed = 0;                                           ///< FAILURE, ever
    std::optional<double> oldest_pending_age; ///< seconds since the oldest was created
    std::optional<double> overdue;            ///< seconds the longest-due one has waited
    std::vector<std::pair<std::string, std::int64_t>> zones_by_state;
    std::vector<std::pair<std::string, std::int64_t>> servers_by_state;
    std::int64_t lagging_zones = 0; ///< summed over the enabled servers
    std::string master_state;
};

Snapshot read(Transaction& tx);

} // namespace dms::db::metrics
