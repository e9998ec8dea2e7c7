// SPDX-License-Identifier: GPL-3.0-or-later
#include "zone_content.hpp"

#include <map>
#include <utility>

#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/core/serial.hpp"
#include "dms/db/apex_ns.hpp"
#include "dms/db/zone_cfg.hpp"

namespace dms::engine::detail {

ValidateOptions validate_options(const Config& config, bool use_apex_ns) {
    ValidateOptions vo;
    vo.require_apex_ns = !use_apex_ns;
    vo.max_rrset_size = std::stoul(config.value("max_rrset_size"));
    vo.max_zone_size = std::stoul(config.value("max_zone_size"));
    return vo;
}

ZoneTextCheck check_zone_text(const Config& config, std::string_view text,
                              std::string_view zone_name, bool name_from_text, bool validate) {
    ParseOptions po;
    po.zone_name = std::string(zone_name);
    po.name_from_text = name_from_text;
    auto parsed = parse_zone_text(text, po);
    ZoneTextCheck out{std::move(parsed.zone), std::move(parsed.findings)};
    if (out.ok() && validate) {
        // Apex NS records are decided per zone (use_apex_ns) when it is saved.
        auto v = validate_zone(out.zone, validate_options(config, true));
        out.findings.insert(out.findings.end(), v.begin(), v.end());
    }
    return out;
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

} // namespace dms::engine::detail
