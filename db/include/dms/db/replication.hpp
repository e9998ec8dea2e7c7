// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// PostgreSQL streaming replication as dms sees it: the DR pair's standby
// (docs/disaster-recovery.md). The master site's database lists its standbys
// (pg_stat_replication; the application role needs pg_monitor, which create_db grants);
// a standby reports how far it has replayed. promote() asks the standby to become a
// primary (pg_promote; create_db grants EXECUTE on it to the application role).
//
// Contract: SQL failures are DatabaseError; promote() throws
// Error(ErrorCode::promote_failure) naming the database when PostgreSQL refuses or does
// not finish within the wait.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db {

/// A standby streaming from this database (one row of pg_stat_replication).
struct StandbyRecord {
    std::string application_name;      ///< primary_conninfo's application_name, e.g. dms_replica
    std::string client_address;        ///< "" for a unix socket
    std::string state;                 ///< startup, catchup, streaming, backup, stopping
    std::string sync_state;            ///< async, potential, sync, quorum
    std::int64_t replay_lag_bytes = 0; ///< WAL written here, not replayed there yet
    std::optional<double> replay_lag_seconds; ///< NULL while idle (nothing to replay)
    std::string slot_name;                    ///< the replication slot it uses ("" if none)
};

/// This database, when it is a standby.
struct RecoveryRecord {
    bool in_recovery = false;
    std::string receiver_status;       ///< pg_stat_wal_receiver.status ("" if no receiver)
    std::string sender;                ///< the primary it streams from, "host:port"
    std::int64_t replay_lag_bytes = 0; ///< received, not replayed yet
    /// Seconds since the last replayed transaction committed on the primary (grows
    /// while the primary is idle, so read it with replay_lag_bytes).
    std::optional<double> last_replay_age_seconds;
};

namespace replication {

bool in_recovery(Transaction& tx);
/// The WAL timeline: each promotion starts a higher one, so of two primaries the one
/// promoted later has the higher timeline.
std::uint32_t timeline(Transaction& tx);
std::vector<StandbyRecord> standbys(Transaction& tx);
RecoveryRecord recovery(Transaction& tx);
/// pg_promote(wait => true, wait_seconds => wait_seconds), outside any transaction.
void promote(Session& session, int wait_seconds);

} // namespace replication
} // namespace dms::db
