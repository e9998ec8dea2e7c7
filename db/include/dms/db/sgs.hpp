// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Server groups (server_groups): finding, creating and changing them, which SG is the
// replica SG (sm_master.replica_sg_id), and what uses an SG.
//
// Contract: find* return std::nullopt when absent; insert returns std::nullopt when the
// name is taken; update/remove write the row as given (the caller checked it). lock()
// takes the row lock that serialises changes to one SG (FOR NO KEY UPDATE, as
// zones.hpp: event inserts that refer to it are not blocked). SQL failures are
// DatabaseError.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// What refers to an SG (delete_sg refuses while anything does).
struct SgUsage {
    std::int64_t zones = 0;         ///< zones (any state) with it as primary SG
    std::int64_t deleted_zones = 0; ///< of those, DELETED ones
    std::int64_t alt_zones = 0;     ///< zones (any state) with it as alternate SG
    std::int64_t servers = 0;
};

namespace sgs {

std::optional<SgRecord> find(Transaction& tx, std::string_view name);
std::optional<SgRecord> find_by_id(Transaction& tx, std::int64_t id);
/// Every SG, by name.
std::vector<SgRecord> list(Transaction& tx);

/// The SG row locked (see contract above).
std::optional<SgRecord> lock(Transaction& tx, std::string_view name);
/// Insert from name, config_dir, master_address and master_alt_address ("" = NULL);
/// its id, or std::nullopt if the name is taken.
std::optional<std::int64_t> insert(Transaction& tx, const SgRecord& sg);
/// Write back name, config_dir, master_address and master_alt_address ("" = NULL).
void update(Transaction& tx, const SgRecord& sg);
void remove(Transaction& tx, std::int64_t id);
SgUsage usage(Transaction& tx, std::int64_t id);

/// The replica SG (sm_master.replica_sg_id), if there is one.
std::optional<SgRecord> replica(Transaction& tx);
/// Make `id` the replica SG, or with std::nullopt have none.
void set_replica(Transaction& tx, std::optional<std::int64_t> id);

/// Ids of the PUBLISHED zones whose primary SG is `sg_id`, or of every PUBLISHED zone
/// when it is std::nullopt, by name.
std::vector<std::int64_t> published_zones(Transaction& tx, std::optional<std::int64_t> sg_id);

/// Replace the value of every zone_cfg default_sg row naming `old_name` (rename_sg);
/// how many rows changed.
std::size_t rename_default_sg(Transaction& tx, std::string_view old_name,
                              std::string_view new_name);
/// True if a zone_cfg default_sg row names the SG.
bool is_default_sg(Transaction& tx, std::string_view name);

} // namespace sgs
} // namespace dms::db
