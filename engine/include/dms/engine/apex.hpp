// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Apex maintenance (REFERENCE.md 7.4 step 3): for zones with use_apex_ns, the SOA values
// and the apex NS records come from zone_cfg (the zone's server group first, then the
// global rows) each time the zone is published or its file written.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dms/core/zone.hpp"
#include "dms/db/session.hpp"

namespace dms::engine {

/// zone_cfg's apex values for one server group (read once, applied to many zones).
struct ApexConfig {
    std::optional<std::string> mname, rname, refresh, retry, expire, minimum;
    std::vector<std::string> ns; ///< canonical: lower case, absolute
};
ApexConfig load_apex_config(db::Transaction& tx, std::optional<std::int64_t> sg_id);
/// Apply `cfg` to `zone` (see refresh_apex). @returns true if `zone` changed
bool apply_apex(const ApexConfig& cfg, ZoneData& zone);

/// Bring `zone`'s SOA fields (mname, rname, refresh, retry, expire, minimum; the SOA's own
/// TTL cleared) and apex NS records in line with zone_cfg, when `use_apex_ns`. The apex
/// group keeps its comment "Apex resource records for <zone>". Without apex_ns rows in
/// zone_cfg the zone's own NS records stay (and a critical line is logged).
/// @returns true if `zone` changed
bool refresh_apex(db::Transaction& tx, bool use_apex_ns, std::optional<std::int64_t> sg_id,
                  ZoneData& zone);

/// refresh_apex for many zones in one transaction: each server group's zone_cfg is read
/// once (restore_named_db, promote_replica).
class ApexCache {
public:
    explicit ApexCache(db::Transaction& tx) : m_tx(tx) {}
    /// As refresh_apex(tx, use_apex_ns, sg_id, zone).
    bool refresh(bool use_apex_ns, std::optional<std::int64_t> sg_id, ZoneData& zone);

private:
    db::Transaction& m_tx;
    std::map<std::optional<std::int64_t>, ApexConfig> m_configs;
};

} // namespace dms::engine
