// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/replication.hpp"

#include <fmt/format.h>

#include "dms/core/error.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

// clang-format off
constexpr Statement statements[] = {
    {"replication_in_recovery", "SELECT pg_is_in_recovery()"},
    // A primary's current timeline is in the name of the WAL file it writes (the control
    // file's checkpoint lags until the checkpoint after a promotion ends); a standby has
    // no current WAL position, its checkpoint's timeline is the one it replays.
    {"replication_timeline",
     "SELECT CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint())"
     " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END"},
    // replay_lsn is NULL until the standby has replayed anything.
    {"replication_standbys",
     "SELECT coalesce(r.application_name, ''), coalesce(host(r.client_addr), ''),"
     " coalesce(r.state, ''), coalesce(r.sync_state, ''),"
     " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn), 0)::bigint,"
     " extract(epoch from r.replay_lag)::float8, coalesce(s.slot_name, '')"
     " FROM pg_stat_replication r LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid"
     " ORDER BY r.application_name, r.pid"},
    {"replication_recovery",
     "SELECT pg_is_in_recovery(),"
     " coalesce((SELECT status FROM pg_stat_wal_receiver LIMIT 1), ''),"
     " coalesce((SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver LIMIT 1),"
     " ''),"
     " coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint,"
     " extract(epoch from now() - pg_last_xact_replay_timestamp())::float8"},
};
// clang-format on

} // namespace

namespace detail {
std::span<const Statement> replication_statements() {
    return statements;
}
} // namespace detail

namespace replication {

bool in_recovery(Transaction& tx) {
    return work(tx).exec_prepared1("replication_in_recovery")[0].as<bool>();
}

std::uint32_t timeline(Transaction& tx) {
    return work(tx).exec_prepared1("replication_timeline")[0].as<std::uint32_t>();
}

std::vector<StandbyRecord> standbys(Transaction& tx) {
    std::vector<StandbyRecord> out;
    for (const auto& r : work(tx).exec_prepared("replication_standbys")) {
        StandbyRecord s;
        s.application_name = r[0].c_str();
        s.client_address = r[1].c_str();
        s.state = r[2].c_str();
        s.sync_state = r[3].c_str();
        s.replay_lag_bytes = r[4].as<std::int64_t>();
        s.replay_lag_seconds = opt<double>(r[5]);
        s.slot_name = r[6].c_str();
        out.push_back(std::move(s));
    }
    return out;
}

RecoveryRecord recovery(Transaction& tx) {
    const auto r = work(tx).exec_prepared1("replication_recovery");
    RecoveryRecord out;
    out.in_recovery = r[0].as<bool>();
    out.receiver_status = r[1].c_str();
    out.sender = r[2].c_str();
    out.replay_lag_bytes = r[3].as<std::int64_t>();
    out.last_replay_age_seconds = opt<double>(r[4]);
    return out;
}

void promote(Session& session, int wait_seconds) {
    bool done = false;
    try {
        session.transaction("promote", [&](Transaction& tx) {
            done = work(tx).exec_params1("SELECT pg_promote(true, $1)", wait_seconds)[0].as<bool>();
        });
    } catch (const Error& e) {
        throw Error(ErrorCode::promote_failure,
                    fmt::format("{}: pg_promote() failed: {} (promote PostgreSQL as its "
                                "superuser, e.g. pg_ctl promote, or let create_db grant EXECUTE "
                                "on pg_promote to the application role)",
                                session.describe(), e.what()));
    }
    if (!done) {
        throw Error(ErrorCode::promote_failure,
                    fmt::format("{}: PostgreSQL did not finish its promotion within {} s",
                                session.describe(), wait_seconds));
    }
}

} // namespace replication
} // namespace dms::db
