// SPDX-License-Identifier: GPL-3.0-or-later
// Apex maintenance. Unlike the original (REFERENCE.md 12, item 21), soa_minimum follows
// zone_cfg too.
#include "dms/engine/apex.hpp"

#include <algorithm>

#include "dms/core/logging.hpp"
#include "dms/db/catalog.hpp"

namespace dms::engine {

bool refresh_apex(db::Transaction& tx, bool use_apex_ns, std::optional<std::int64_t> sg_id,
                  ZoneData& zone) {
    if (!use_apex_ns) {
        return false;
    }
    bool changed = false;
    const auto set = [&](std::string& field, std::string_view key) {
        if (auto v = db::catalog::zone_cfg(tx, key, sg_id); v && *v != field) {
            field = *v;
            changed = true;
        }
    };
    set(zone.soa.mname, "soa_mname");
    set(zone.soa.rname, "soa_rname");
    set(zone.soa.refresh, "soa_refresh");
    set(zone.soa.retry, "soa_retry");
    set(zone.soa.expire, "soa_expire");
    set(zone.soa.minimum, "soa_minimum");
    if (zone.soa.ttl) {
        zone.soa.ttl.reset();
        changed = true;
    }

    auto names = db::catalog::apex_ns(tx, sg_id);
    for (auto& n : names) { // rdata is canonical: lower case, absolute
        std::transform(n.begin(), n.end(), n.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!n.ends_with('.')) {
            n += '.';
        }
    }
    if (names.empty()) {
        log::critical("zone " + zone.name, "apex",
                      "zone_cfg has no apex_ns for its server group or globally: keeping "
                      "the zone's own apex NS records");
        return changed;
    }
    auto apex = std::find_if(zone.groups.begin(), zone.groups.end(),
                             [](const RrGroup& g) { return g.tag == apex_rr_tag; });
    if (apex == zone.groups.end()) {
        zone.groups.insert(zone.groups.begin(),
                           RrGroup{apex_comment_for(zone.name), std::string(apex_rr_tag), {}});
        apex = zone.groups.begin();
        changed = true;
    }
    // The apex NS records as they are, wherever they sit, and as zone_cfg wants them.
    std::vector<std::string> have;
    for (const auto& g : zone.groups) {
        for (const auto& rr : g.rrs) {
            if (rr.label == "@" && rr.type == "NS" && !rr.disable) {
                have.push_back(rr.rdata);
            }
        }
    }
    std::sort(have.begin(), have.end());
    std::sort(names.begin(), names.end());
    if (have == names) {
        return changed;
    }
    for (auto& g : zone.groups) {
        std::erase_if(g.rrs, [](const Rr& rr) { return rr.label == "@" && rr.type == "NS"; });
    }
    for (const auto& ns : names) {
        Rr rr;
        rr.label = "@";
        rr.type = "NS";
        rr.rdata = ns;
        apex->rrs.push_back(std::move(rr));
    }
    return true;
}

} // namespace dms::engine
