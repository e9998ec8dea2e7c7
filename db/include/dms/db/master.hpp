// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The MasterSM row (sm_master, exactly one, id 1; REFERENCE.md 3.2).
//
// Contract: get() always finds the row (the schema seeds it); get(tx, share=true) takes a
// share lock (waiting for a transaction that holds it for update); try_lock() returns
// std::nullopt when another transaction holds it. SQL failures are DatabaseError.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "dms/db/session.hpp"

namespace dms::db {

struct MasterRecord {
    std::int64_t id = 1;
    std::string state = "READY";
    std::int64_t hold_sg = 0; ///< 0 none, -1 master, -2 all, else an SG id
    std::string hold_sg_name;
    std::optional<std::chrono::system_clock::time_point> hold_start;
    std::optional<std::chrono::system_clock::time_point> hold_stop;
    std::optional<std::int64_t> replica_sg_id;
    std::optional<std::int64_t> master_server_id;
    std::string master_hostname;
    std::chrono::system_clock::time_point mtime{};
    // Read-only, joined for display:
    std::string replica_sg_name;
    std::string master_server_name;
};

namespace master {

MasterRecord get(Transaction& tx, bool share = false);
/// The row locked FOR UPDATE, or std::nullopt if another transaction holds a lock.
std::optional<MasterRecord> try_lock(Transaction& tx);
/// Write back state and hold fields.
void update(Transaction& tx, const MasterRecord& m);
/// Which machine is the master now (REFERENCE.md 3.4, with "this machine" being the one
/// whose named answers at `address` and `dns_port`, master_dns_address and _port):
/// master_hostname becomes `hostname`, master_server_id the replica SG's server at that
/// address and port (NULL when there is none). Writes only what changed.
void set_identity(Transaction& tx, std::string_view hostname, std::string_view address,
                  long dns_port);

} // namespace master
} // namespace dms::db
