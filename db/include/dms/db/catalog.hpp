// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Server groups, central zone configuration (zone_cfg), references and security
// tags: the small tables zone operations look things up in.
//
// Contract: find_* return std::nullopt when absent; create/delete return false
// when the row already exists / does not exist or is still used; SQL failures are
// DatabaseError.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db {

struct SgRecord {
    std::int64_t id = 0;
    std::string name;
    std::string config_dir;
    std::int64_t zone_count = 0;
    std::string master_address;
    std::string master_alt_address;
};

struct ZoneCfgRow {
    std::string key;
    std::string value;
    std::string sg_name; ///< "" for a global row
};

struct ReferenceRecord {
    std::int64_t id = 0;
    std::string reference;
    std::int64_t zone_count = 0;
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

namespace catalog {

/// Every server, by name.
std::vector<ServerAddress> server_addresses(Transaction& tx);

std::optional<SgRecord> find_sg(Transaction& tx, std::string_view name);
std::optional<SgRecord> find_sg_by_id(Transaction& tx, std::int64_t id);
std::vector<SgRecord> list_sgs(Transaction& tx);

/// zone_cfg value of `key`: the SG's row first, then the global one.
std::optional<std::string> zone_cfg(Transaction& tx, std::string_view key,
                                    std::optional<std::int64_t> sg_id = std::nullopt);
/// Every single-valued zone_cfg key with its value for the SG (its row, else the
/// global one), in one statement.
std::map<std::string, std::string, std::less<>> zone_cfg_values(Transaction& tx,
                                                                std::optional<std::int64_t> sg_id);
/// apex_ns names of the SG, or the global ones if the SG has none.
std::vector<std::string> apex_ns(Transaction& tx, std::optional<std::int64_t> sg_id);
std::vector<ZoneCfgRow> list_zone_cfg(Transaction& tx);
/// Insert or replace a single-valued key (global when sg_id is empty).
void set_zone_cfg(Transaction& tx, std::string_view key, std::string_view value,
                  std::optional<std::int64_t> sg_id);
/// Replace the apex_ns list of an SG (or the global list).
void replace_apex_ns(Transaction& tx, std::optional<std::int64_t> sg_id,
                     const std::vector<std::string>& names);

std::optional<ReferenceRecord> find_reference(Transaction& tx, std::string_view reference);
/// Id of the reference, created if missing (case-insensitive match).
std::int64_t ensure_reference(Transaction& tx, std::string_view reference);
std::vector<ReferenceRecord> list_references(Transaction& tx,
                                             const std::vector<std::string>& patterns);
bool create_reference(Transaction& tx, std::string_view reference);
/// False if it does not exist; throws nothing else: the caller checks zone_count.
bool delete_reference(Transaction& tx, std::int64_t id);
void rename_reference(Transaction& tx, std::int64_t id, std::string_view new_name);

std::vector<std::string> list_sectags(Transaction& tx);
bool sectag_exists(Transaction& tx, std::string_view sectag);
bool create_sectag(Transaction& tx, std::string_view sectag);
/// Number of zones carrying the tag.
std::int64_t sectag_use_count(Transaction& tx, std::string_view sectag);
bool delete_sectag(Transaction& tx, std::string_view sectag);
std::vector<std::string> zone_sectags(Transaction& tx, std::int64_t zone_id);
bool add_zone_sectag(Transaction& tx, std::int64_t zone_id, std::string_view sectag);
bool delete_zone_sectag(Transaction& tx, std::int64_t zone_id, std::string_view sectag);

} // namespace catalog
} // namespace dms::db
