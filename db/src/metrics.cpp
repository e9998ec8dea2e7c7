// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/metrics.hpp"

#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

// clang-format off
constexpr Statement statements[] = {
    // Pending events through the partial index on processed IS NULL.
    {"metrics_pending",
     "SELECT event_type, count(*), count(*) FILTER (WHERE state = 'RETRY')"
     " FROM sm_event_queue WHERE processed IS NULL GROUP BY event_type ORDER BY event_type"},
    {"metrics_pending_age",
     "SELECT extract(epoch FROM now() - min(created))::float8,"
     " extract(epoch FROM now() - min(scheduled) FILTER (WHERE scheduled <= now()))::float8"
     " FROM sm_event_queue WHERE processed IS NULL"},
    {"metrics_failed", "SELECT count(*) FROM sm_event_queue WHERE state = 'FAILURE'"},
    {"metrics_zones", "SELECT state, count(*) FROM sm_zone GROUP BY state ORDER BY state"},
    {"metrics_servers",
     "SELECT state, count(*), coalesce(sum(lagging_zones), 0)::bigint FROM sm_servers"
     " GROUP BY state ORDER BY state"},
    {"metrics_master", "SELECT state FROM sm_master WHERE id = 1"},
};
// clang-format on

std::vector<std::pair<std::string, std::int64_t>> counts(const pqxx::result& r) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& row : r) {
        out.emplace_back(row[0].c_str(), row[1].as<std::int64_t>());
    }
    return out;
}

} // namespace

namespace detail {
std::span<const Statement> metrics_statements() {
    return statements;
}
} // namespace detail

namespace metrics {

Snapshot read(Transaction& tx) {
    auto& w = work(tx);
    Snapshot s;
    for (const auto& row : w.exec_prepared("metrics_pending")) {
        s.pending_by_type.emplace_back(row[0].c_str(), row[1].as<std::int64_t>());
        s.retrying += row[2].as<std::int64_t>();
    }
    const auto age = w.exec_prepared1("metrics_pending_age");
    if (!age[0].is_null()) {
        s.oldest_pending_age = age[0].as<double>();
    }
    if (!age[1].is_null()) {
        s.overdue = age[1].as<double>();
    }
    s.failed = w.exec_prepared1("metrics_failed")[0].as<std::int64_t>();
    s.zones_by_state = counts(w.exec_prepared("metrics_zones"));
    for (const auto& row : w.exec_prepared("metrics_servers")) {
        s.servers_by_state.emplace_back(row[0].c_str(), row[1].as<std::int64_t>());
        if (std::string(row[0].c_str()) != "DISABLED") {
            s.lagging_zones += row[2].as<std::int64_t>();
        }
    }
    const auto m = w.exec_prepared("metrics_master");
    s.master_state = m.empty() ? std::string() : std::string(m[0][0].c_str());
    return s;
}

} // namespace metrics
} // namespace dms::db
