// SPDX-License-Identifier: GPL-3.0-or-later
#include "zone_util.hpp"

#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/core/serial.hpp"
#include "dms/core/zi_id.hpp"
#include "dms/core/zone_text.hpp"
#include "dms/db/apex_ns.hpp"
#include "dms/db/audit.hpp"
#include "dms/db/zone_cfg.hpp"

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

ZoneData default_content(db::Transaction& tx, const std::string& name,
                         std::optional<std::int64_t> sg_id) {
    auto cfg = [&](std::string_view key, std::string_view fallback) {
        return db::zone_cfg::value(tx, key, sg_id).value_or(std::string(fallback));
    };
    ZoneData z;
    z.name = name;
    z.zone_ttl = cfg("zone_ttl", "1h");
    z.has_soa = true;
    z.soa.serial = serial::date_serial_now();
    z.soa.mname = cfg("soa_mname", "ns1." + name);
    z.soa.rname = cfg("soa_rname", "hostmaster." + name);
    z.soa.refresh = cfg("soa_refresh", "2h");
    z.soa.retry = cfg("soa_retry", "900");
    z.soa.expire = cfg("soa_expire", "7d");
    z.soa.minimum = cfg("soa_minimum", "1h");
    if (auto ttl = db::zone_cfg::value(tx, "soa_ttl", sg_id)) {
        z.soa.ttl = *ttl;
    }
    RrGroup apex{apex_comment_for(name), std::string(apex_rr_tag), {}};
    for (const auto& ns : db::apex_ns::list(tx, sg_id)) {
        Rr rr;
        rr.label = "@";
        rr.type = "NS";
        rr.rdata = ns;
        apex.rrs.push_back(std::move(rr));
    }
    z.groups.push_back(std::move(apex));
    return z;
}

void normalize_ttls(ZoneData& zone) {
    const auto zone_secs = parse_ttl(zone.zone_ttl);
    std::map<std::uint32_t, std::pair<std::size_t, std::string>> counts; // secs -> (n, text)
    for (const auto& g : zone.groups) {
        for (const auto& rr : g.rrs) {
            const auto& text = rr.ttl ? *rr.ttl : zone.zone_ttl;
            const auto secs = parse_ttl(text);
            if (!secs) {
                continue;
            }
            auto& c = counts[*secs];
            if (c.first++ == 0) {
                c.second = text;
            }
        }
    }
    if (counts.empty()) {
        return;
    }
    auto best = counts.begin();
    for (auto it = counts.begin(); it != counts.end(); ++it) {
        if (it->second.first > best->second.first) {
            best = it;
        }
    }
    const std::string old_ttl = zone.zone_ttl;
    const bool changed = !zone_secs || *zone_secs != best->first;
    if (changed) {
        zone.zone_ttl = best->second.second;
    }
    for (auto& g : zone.groups) {
        for (auto& rr : g.rrs) {
            if (rr.ttl) {
                if (parse_ttl(*rr.ttl) == best->first) {
                    rr.ttl.reset();
                }
            } else if (changed && !old_ttl.empty()) {
                rr.ttl = old_ttl;
            }
        }
    }
}

void audit(db::Transaction& tx, const Caller& caller, std::string_view operation,
           std::string_view subject, std::optional<std::int64_t> zone_id, std::string details) {
    db::audit::Entry e;
    e.change_by = caller.change_by();
    e.operation = std::string(operation);
    e.subject = std::string(subject);
    e.zone_id = zone_id;
    e.details = std::move(details);
    db::audit::record(tx, e);
}

std::optional<bool> parse_bool(std::string_view v) {
    if (v == "true" || v == "on" || v == "yes" || v == "1") {
        return true;
    }
    if (v == "false" || v == "off" || v == "no" || v == "0") {
        return false;
    }
    return std::nullopt;
}

std::string json_strings(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
    boost::json::object o;
    for (const auto& [k, v] : kv) {
        o[k] = v;
    }
    return boost::json::serialize(o);
}

void throw_findings(std::string_view file, const std::vector<Finding>& findings) {
    std::vector<Finding> errors;
    for (const auto& f : findings) {
        if (f.severity == Severity::error) {
            errors.push_back(f);
        }
    }
    auto text = format_findings(file, errors);
    if (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    throw Error(ErrorCode::zi_text_parse,
                fmt::format("{} error{} in zone text, nothing saved:\n{}", errors.size(),
                            errors.size() == 1 ? "" : "s", text));
}

} // namespace dms::engine::detail
