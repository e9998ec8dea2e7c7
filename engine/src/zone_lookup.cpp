// SPDX-License-Identifier: GPL-3.0-or-later
#include "zone_lookup.hpp"

#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/core/zi_id.hpp"
#include "dms/db/zis.hpp"

namespace dms::engine::detail {

std::string zone_name_or_throw(std::string_view name) {
    std::string why;
    auto n = normalize_zone_name(name, &why);
    if (!n) {
        throw Error(ErrorCode::invalid_domain_name,
                    fmt::format("invalid domain name '{}': {}", name, why));
    }
    return *n;
}

std::string new_zone_name_or_throw(std::string_view name) {
    auto n = zone_name_or_throw(name);
    if (auto why = new_zone_name_problem(n); !why.empty()) {
        throw Error(ErrorCode::invalid_domain_name,
                    fmt::format("invalid domain name '{}': {}", name, why));
    }
    return n;
}

db::ZoneRecord require_zone(db::Transaction& tx, std::string_view name, bool for_update) {
    const auto n = zone_name_or_throw(name);
    auto z = db::zones::find_live(tx, n, for_update);
    if (!z) {
        throw Error(ErrorCode::zone_not_found, fmt::format("zone '{}' not found", n));
    }
    return *z;
}

db::ZoneRecord require_zone_by_id(db::Transaction& tx, std::int64_t id, bool for_update) {
    auto z = db::zones::find_by_id(tx, id, for_update);
    if (!z) {
        throw Error(ErrorCode::zone_not_found_by_id, fmt::format("zone id {} not found", id));
    }
    return *z;
}

std::int64_t resolve_zi(db::Transaction& tx, const db::ZoneRecord& zone, std::string_view spec) {
    if (spec.empty()) {
        if (zone.zi_id) {
            return *zone.zi_id;
        }
        if (zone.zi_candidate_id) {
            return *zone.zi_candidate_id;
        }
        throw Error(ErrorCode::zi_not_found, fmt::format("zone '{}' has no ZI", zone.name));
    }
    const auto selector = zi_id::parse(spec, std::chrono::system_clock::now());
    std::vector<zi_id::ZiRef> refs;
    for (const auto& h : db::zis::list(tx, zone.id)) {
        refs.push_back({h.id, h.ctime});
    }
    const auto ids = zi_id::resolve(selector, refs, zone.zi_id);
    if (ids.size() != 1) {
        throw Error(ErrorCode::zi_not_found,
                    ids.empty() ? fmt::format("zone '{}': no ZI matches '{}'", zone.name, spec)
                                : fmt::format("zone '{}': '{}' selects {} ZIs, not one", zone.name,
                                              spec, ids.size()));
    }
    return ids.front();
}

} // namespace dms::engine::detail
