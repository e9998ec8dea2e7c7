// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Central zone configuration (zone_cfg): the single-valued defaults new zones and apex
// maintenance read, globally or per server group. The apex_ns list lives in the same
// table but is apex_ns.hpp's.
//
// Contract: value() returns std::nullopt when neither the SG nor the global row has the
// key; SQL failures are DatabaseError.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db {

struct ZoneCfgRow {
    std::string key;
    std::string value;
    std::string sg_name; ///< "" for a global row
};

namespace zone_cfg {

/// zone_cfg value of `key`: the SG's row first, then the global one.
std::optional<std::string> value(Transaction& tx, std::string_view key,
                                 std::optional<std::int64_t> sg_id = std::nullopt);
/// Every single-valued zone_cfg key with its value for the SG (its row, else the
/// global one), in one statement.
std::map<std::string, std::string, std::less<>> values(Transaction& tx,
                                                       std::optional<std::int64_t> sg_id);
/// Every row, apex_ns included, by key, global rows first.
std::vector<ZoneCfgRow> list(Transaction& tx);
/// Insert or replace a single-valued key (global when sg_id is empty).
void set(Transaction& tx, std::string_view key, std::string_view value,
         std::optional<std::int64_t> sg_id);

} // namespace zone_cfg
} // namespace dms::db
