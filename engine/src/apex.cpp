// SPDX-License-Identifier: GPL-3.0-or-later
// Apex maintenance. Unlike the original (REFERENCE.md 12, item 21), soa_minimum follows
// zone_cfg too.
#include "dms/engine/apex.hpp"

#include <algorithm>

#include "dms/core/logging.hpp"
#include "dms/db/apex_ns.hpp"
#include "dms/db/zone_cfg.hpp"

namespace dms::engine {

ApexConfig load_apex_config(db::Transaction& tx, std::optional<std::int64_t> sg_id) {
    ApexConfig c;
    const auto values = db::zone_cfg::values(tx, sg_id);
    const auto cfg = [&](std::string_view key) -> std::optional<std::string> {
        const auto it = values.find(key);
        return it == values.end() ? std::nullopt : std::optional(it->second);
    };
    c.mname = cfg("soa_mname");
    c.rname = cfg("soa_rname");
    c.refresh = cfg("soa_refresh");
    c.retry = cfg("soa_retry");
    c.expire = cfg("soa_expire");
    c.minimum = cfg("soa_minimum");
    c.ns = db::apex_ns::list(tx, sg_id);
    for (auto& n : c.ns) { // rdata is canonical: lower case, absolute
        std::transform(n.begin(), n.end(), n.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (!n.ends_with('.')) {
            n += '.';
        }
    }
    std::sort(c.ns.begin(), c.ns.end());
    return c;
}

bool apply_apex(const ApexConfig& cfg, ZoneData& zone) {
    bool changed = false;
    const auto set = [&](std::string& field, const std::optional<std::string>& v) {
        if (v && *v != field) {
            field = *v;
            changed = true;
        }
    };
    set(zone.soa.mname, cfg.mname);
    set(zone.soa.rname, cfg.rname);
    set(zone.soa.refresh, cfg.refresh);
    set(zone.soa.retry, cfg.retry);
    set(zone.soa.expire, cfg.expire);
    set(zone.soa.minimum, cfg.minimum);
    if (zone.soa.ttl) {
        zone.soa.ttl.reset();
        changed = true;
    }
    if (cfg.ns.empty()) {
        log::critical("zone " + zone.name, "apex",
                      "zone_cfg has no apex_ns for its server group or globally: keeping "
                      "the zone's own apex NS records");
        return changed;
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
    if (have == cfg.ns) {
        return changed;
    }
    auto apex = std::find_if(zone.groups.begin(), zone.groups.end(),
                             [](const RrGroup& g) { return g.tag == apex_rr_tag; });
    if (apex == zone.groups.end()) {
        zone.groups.insert(zone.groups.begin(),
                           RrGroup{apex_comment_for(zone.name), std::string(apex_rr_tag), {}});
        apex = zone.groups.begin();
    }
    for (auto& g : zone.groups) {
        std::erase_if(g.rrs, [](const Rr& rr) { return rr.label == "@" && rr.type == "NS"; });
    }
    for (const auto& ns : cfg.ns) {
        Rr rr;
        rr.label = "@";
        rr.type = "NS";
        rr.rdata = ns;
        apex->rrs.push_back(std::move(rr));
    }
    return true;
}

bool refresh_apex(db::Transaction& tx, bool use_apex_ns, std::optional<std::int64_t> sg_id,
                  ZoneData& zone) {
    return use_apex_ns && apply_apex(load_apex_config(tx, sg_id), zone);
}

bool ApexCache::refresh(bool use_apex_ns, std::optional<std::int64_t> sg_id, ZoneData& zone) {
    if (!use_apex_ns) {
        return false;
    }
    auto a = m_configs.find(sg_id);
    if (a == m_configs.end()) {
        a = m_configs.emplace(sg_id, load_apex_config(m_tx, sg_id)).first;
    }
    return apply_apex(a->second, zone);
}

} // namespace dms::engine
