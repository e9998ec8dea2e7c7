// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ServerSM's side of sm_servers and what dmsd needs to configure and check slaves:
// the state columns the machine writes, the zones a server group serves (REFERENCE.md
// 8.3), the zones whose serials a check compares. Creating, renaming and moving
// servers is servers.hpp's.
//
// Contract: nothing here commits; SQL failures are DatabaseError.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dms/db/servers.hpp"
#include "dms/db/session.hpp"

namespace dms::db::servers {

/// Write back the ServerSM columns of `s`: state, last_reply, retry_msg ("" = NULL),
/// retry_count, zone_count, probe_rtt_ms, lagging_zones, last_check, repairs,
/// configured_at.
void save_state(Transaction& tx, const ServerRecord& s);

/// The name of another enabled server with `s`'s address and DNS port, if any.
std::optional<std::string> enabled_address_conflict(Transaction& tx, const ServerRecord& s);

/// Ids of the enabled servers of an SG.
std::vector<std::int64_t> enabled_of_sg(Transaction& tx, std::int64_t sg_id);

/// The zones an SG's servers must serve (REFERENCE.md 8.3), by name: zones whose
/// primary or alternate SG it is, in a state the master has them configured in
/// (INIT, UNCONFIG, BATCH_CREATE_2, PUBLISHED, UPDATE); for the replica SG every zone
/// in such a state, RESET too (a reset does not pull a zone from the replicas).
std::vector<std::string> sg_config_zones(Transaction& tx, std::int64_t sg_id, bool replica);

/// server_groups.zone_count.
void set_sg_zone_count(Transaction& tx, std::int64_t sg_id, std::int64_t count);

struct ZoneSerial {
    std::string name;
    std::uint32_t serial = 0;
    std::chrono::system_clock::time_point published{}; ///< when that serial was published
};
/// Every published zone (PUBLISHED, or UPDATE: the last published serial) a server of
/// the SG serves (every such zone for the replica SG), by name, with the serial the
/// master published and when. A zone created by a batch load and not updated since has
/// no sm_zone.soa_serial: its ZI's serial is the one in the file named loaded.
std::vector<ZoneSerial> published_serials(Transaction& tx, std::int64_t sg_id, bool replica);

/// The configuration of server `server_id` may be about to change: the master is in
/// HOLD or has a reconfiguration pending, or a Configure or ConfigChange of the server
/// is pending.
bool configuration_pending(Transaction& tx, std::int64_t server_id);

} // namespace dms::db::servers
