// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A zone instance as the master named gets it: apex maintained from zone_cfg, printed
// as a master file (disabled records commented out, no DMS tags).

#include <cstdint>
#include <optional>
#include <string>

#include "dms/core/zone.hpp"
#include "dms/db/session.hpp"

namespace dms::engine {

struct PublishableZone {
    ZoneData data;
    bool apex_changed = false; ///< zone_cfg changed the SOA values or apex NS of the ZI
};

/// ZI `zi_id` of zone `name` (absolute) with apex maintenance applied (engine/apex.hpp).
/// std::nullopt if there is no such ZI.
std::optional<PublishableZone> publishable_zone(db::Transaction& tx, const std::string& name,
                                                std::int64_t zi_id, bool use_apex_ns,
                                                std::optional<std::int64_t> sg_id);

/// The master file text of `zone`.
std::string zone_file_text(const ZoneData& zone);

} // namespace dms::engine
