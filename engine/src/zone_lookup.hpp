// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the engine: a zone by name or id, and one of its ZIs by zi-id spec, or the
// Error the operator sees when there is none.

#include <cstdint>
#include <string>
#include <string_view>

#include "dms/db/session.hpp"
#include "dms/db/zones.hpp"

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

} // namespace dms::engine::detail
