// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Slave and replica servers (sm_servers); their server groups are sgs.hpp's.
// ServerSM's own columns (state, last_reply, retry_msg, ...) are read here for display;
// the machine writes them (server_state.hpp).
//
// Contract: find_* return std::nullopt when absent; insert returns std::nullopt when
// the name is taken; update/remove write the row as given (the caller checked it).
// `for_update` takes the row lock that serialises changes to one row (FOR NO KEY
// UPDATE, as zones.hpp: event inserts that refer to it are not blocked). SQL failures
// are DatabaseError.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db {

struct ServerRecord {
    std::int64_t id = 0;
    std::string name;
    std::string state = "DISABLED";
    std::string server_type = "bind9";
    std::int64_t sg_id = 0;
    std::string address; ///< host text, e.g. "192.0.2.1" or "2001:db8::1"
    int dns_port = 53;
    int rndc_port = 953;
    int rsync_port = 873;
    std::string ssh_address; ///< "" for none
    std::chrono::system_clock::time_point ctime{};
    std::chrono::system_clock::time_point mtime{};
    // Written by ServerSM:
    std::optional<std::chrono::system_clock::time_point> last_reply;
    std::optional<std::int64_t> zone_count;
    std::string retry_msg;
    int retry_count = 0;
    std::optional<double> probe_rtt_ms;
    std::optional<std::int64_t> lagging_zones;
    std::optional<std::chrono::system_clock::time_point> last_check;
    std::int64_t repairs = 0;
    std::optional<std::chrono::system_clock::time_point> configured_at;
    // Read-only, joined for display:
    std::string sg_name;
    bool replica = false; ///< its SG is the replica SG
};

/// Which servers list() returns.
struct ServerFilter {
    std::vector<std::string> patterns; ///< names with * and ? wildcards; empty: all
    std::optional<std::string> sg_name;
    bool exclude_disabled = false;
    bool exclude_replica = false; ///< leave out the servers of the replica SG (ls_slave)
};

/// A slave or replica server's address, for named.conf ACLs and also-notify lists.
struct ServerAddress {
    std::int64_t id = 0;
    std::int64_t sg_id = 0;
    std::string name;
    std::string address;
    int dns_port = 53;
    std::string state;
    int rndc_port = 953;
};

namespace servers {

std::optional<ServerRecord> find(Transaction& tx, std::string_view name, bool for_update = false);
std::optional<ServerRecord> find_by_id(Transaction& tx, std::int64_t id, bool for_update = false);
/// Servers whose address is `address` (an IPv4/IPv6 host, any spelling), by name.
std::vector<ServerRecord> find_by_address(Transaction& tx, std::string_view address);
std::vector<ServerRecord> list(Transaction& tx, const ServerFilter& filter);
/// Servers of one SG, by name.
std::vector<ServerRecord> of_sg(Transaction& tx, std::int64_t sg_id);
/// Every server's address, by name.
std::vector<ServerAddress> addresses(Transaction& tx);

/// Insert a DISABLED server from name, server_type, sg_id, address, ports and
/// ssh_address of `s`; its id, or std::nullopt if the name is taken.
std::optional<std::int64_t> insert(Transaction& tx, const ServerRecord& s);
/// Write back name, server_type, sg_id, address, ports and ssh_address.
void update(Transaction& tx, const ServerRecord& s);
void remove(Transaction& tx, std::int64_t id);

} // namespace servers
} // namespace dms::db
