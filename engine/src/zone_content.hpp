// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the engine: a zone's content (ZoneData) on its way into a ZI: parsed and
// checked with this installation's limits, defaults from zone_cfg, TTLs normalised.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/core/zone.hpp"
#include "dms/core/zone_text.hpp"
#include "dms/core/zone_validate.hpp"
#include "dms/db/session.hpp"
#include "dms/engine/zone_engine.hpp"

namespace dms::engine::detail {

/// Validation with the installation's limits (max_rrset_size, max_zone_size); apex NS
/// records are required unless the zone takes them from zone_cfg (`use_apex_ns`).
ValidateOptions validate_options(const Config& config, bool use_apex_ns);

/// Parse (and unless `validate` is false, validate) zone text for `zone_name`; apex NS
/// records are not required here (that is decided per zone when it is saved).
ZoneTextCheck check_zone_text(const Config& config, std::string_view text,
                              std::string_view zone_name, bool name_from_text, bool validate);

/// Throw Error(zi_text_parse) with every error finding ("file:line: message").
[[noreturn]] void throw_findings(std::string_view file, const std::vector<Finding>& findings);

/// A new zone's content from zone_cfg: SOA values, zone TTL, apex NS.
ZoneData default_content(db::Transaction& tx, const std::string& name,
                         std::optional<std::int64_t> sg_id);

/// REFERENCE.md 7.2: the most common effective TTL becomes the zone TTL and
/// record TTLs equal to it are cleared; records relying on the old zone TTL get it
/// written explicitly.
void normalize_ttls(ZoneData& zone);

} // namespace dms::engine::detail
