// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private helpers of the zone engine.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "dms/core/zone.hpp"
#include "dms/core/zone_text.hpp"
#include "dms/db/zis.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine::detail {

/// Normalised zone name or Error(invalid_domain_name).
std::string zone_name_or_throw(std::string_view name);

/// The same for a zone about to be made (create, load, copy): also
/// Error(invalid_domain_name) for a name named would refuse or that is unsafe as a
/// file name (new_zone_name_problem).
std::string new_zone_name_or_throw(std::string_view name);

/// The live zone or Error(zone_not_found).
db::ZoneRecord require_zone(db::Transaction& tx, std::string_view name, bool for_update = false);
db::ZoneRecord require_zone_by_id(db::Transaction& tx, std::int64_t id, bool for_update = false);

/// The ZI `spec` selects (zi-id syntax; "" = published, else candidate), or
/// Error(zi_not_found).
std::int64_t resolve_zi(db::Transaction& tx, const db::ZoneRecord& zone, std::string_view spec);

/// A new zone's content from zone_cfg: SOA values, zone TTL, apex NS.
ZoneData default_content(db::Transaction& tx, const std::string& name,
                         std::optional<std::int64_t> sg_id);

/// REFERENCE.md 7.2: the most common effective TTL becomes the zone TTL and
/// record TTLs equal to it are cleared; records relying on the old zone TTL get it
/// written explicitly.
void normalize_ttls(ZoneData& zone);

/// A row of audit_log for a change made by `caller`.
void audit(db::Transaction& tx, const Caller& caller, std::string_view operation,
           std::string_view subject, std::optional<std::int64_t> zone_id = std::nullopt,
           std::string details = "{}");

/// zone_cfg booleans: true/false, on/off, yes/no, 1/0; std::nullopt for anything else.
std::optional<bool> parse_bool(std::string_view v);

/// A JSON object of string values, for audit details.
std::string json_strings(std::initializer_list<std::pair<std::string_view, std::string_view>> kv);

/// Throw Error(zi_text_parse) with every error finding ("file:line: message").
void throw_findings(std::string_view file, const std::vector<Finding>& findings);

} // namespace dms::engine::detail
