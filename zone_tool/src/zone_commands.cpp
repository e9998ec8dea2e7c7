// SPDX-License-Identifier: GPL-3.0-or-later
// Zone listing and viewing commands (REFERENCE.md 5.2 "Zone listing/viewing").
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/core/process.hpp"
#include "dms/core/zone_text.hpp"
#include "dms/zone_tool/cli.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

ExitStatus print_zone_list(Context& ctx, const std::vector<db::ZoneRecord>& zones, bool deleted) {
    if (ctx.json) {
        boost::json::array a;
        for (const auto& z : zones) {
            a.push_back(to_json(z));
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    if (zones.empty()) {
        ctx.err() << "no zones found\n";
        return ExitStatus::no_host;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& z : zones) {
        if (deleted) {
            rows.push_back({std::to_string(z.id), z.name, format_time(z.deleted_start),
                            ctx.flag('v') ? z.reference : ""});
        } else if (ctx.flag('v')) {
            rows.push_back({z.name, z.soa_serial ? std::to_string(*z.soa_serial) : "-", z.state,
                            z.reference, z.sg_name});
        } else {
            rows.push_back({z.name});
        }
    }
    print_table(ctx.out(), rows);
    return ExitStatus::ok;
}

ExitStatus ls(Context& ctx, Args args) {
    return print_zone_list(ctx, ctx.zones().list_zones(zone_filter(ctx, args)), false);
}

ExitStatus ls_deleted(Context& ctx, Args args) {
    auto f = zone_filter(ctx, args);
    f.deleted = db::ZoneFilter::Deleted::only;
    return print_zone_list(ctx, ctx.zones().list_zones(f), true);
}

ExitStatus ls_zi(Context& ctx, Args args) {
    const auto zone = ctx.zones().find_zone(args[0]);
    auto zis = ctx.zis().list_zis(args[0]);
    if (args.size() > 1) {
        const auto view = ctx.zis().show_zone(args[0], args[1]);
        std::erase_if(zis, [&](const db::ZiRecord& z) { return z.id != view.zi.id; });
    }
    if (ctx.json) {
        boost::json::array a;
        for (const auto& zi : zis) {
            auto o = to_json(zi);
            o["published"] = zone.zi_id == zi.id;
            a.push_back(std::move(o));
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& zi : zis) {
        std::vector<std::string> r{(zone.zi_id == zi.id ? "*" : " ") + std::to_string(zi.id),
                                   std::to_string(zi.soa_serial), format_time(zi.ctime)};
        if (ctx.flag('v')) {
            r.push_back(format_time(zi.mtime));
            r.push_back(zi.change_by);
        }
        rows.push_back(std::move(r));
    }
    print_table(ctx.out(), rows);
    return ExitStatus::ok;
}

ExitStatus print_zonesm(Context& ctx, const db::ZoneRecord& z) {
    auto o = to_json(z);
    if (ctx.json) {
        print_json(ctx.out(), o);
        return ExitStatus::ok;
    }
    print_fields(ctx.out(), o);
    return ExitStatus::ok;
}

ExitStatus show_zonesm(Context& ctx, Args args) {
    return print_zonesm(ctx, ctx.zones().find_zone(args[0]));
}

ExitStatus show_zonesm_byid(Context& ctx, Args args) {
    return print_zonesm(ctx, ctx.zones().find_zone_by_id(id_arg(args[0], "zone id")));
}

ExitStatus print_zone(Context& ctx, const engine::ZoneView& v) {
    if (ctx.json) {
        boost::json::object o = to_json(v.zone);
        o["zi"] = to_json(v.zi);
        o["zone_text"] = print_zone_text(v.data, header_of(v));
        print_json(ctx.out(), o);
        return ExitStatus::ok;
    }
    ctx.out() << print_zone_text(v.data, header_of(v));
    return ExitStatus::ok;
}

ExitStatus show_zone(Context& ctx, Args args) {
    return print_zone(ctx, ctx.zis().show_zone(args[0], args.size() > 1 ? args[1] : ""));
}

ExitStatus show_zone_byid(Context& ctx, Args args) {
    return print_zone(
        ctx, ctx.zis().show_zone_by_id(id_arg(args[0], "zone id"), args.size() > 1 ? args[1] : ""));
}

ExitStatus print_zi(Context& ctx, const engine::ZoneView& v) {
    auto o = to_json(v.zi);
    o["zone"] = v.zone.name;
    o["zone_ttl"] = v.data.zone_ttl;
    o["soa_mname"] = v.data.soa.mname;
    o["soa_rname"] = v.data.soa.rname;
    o["soa_refresh"] = v.data.soa.refresh;
    o["soa_retry"] = v.data.soa.retry;
    o["soa_expire"] = v.data.soa.expire;
    o["soa_minimum"] = v.data.soa.minimum;
    o["records"] = v.data.rr_count();
    o["published"] = v.zone.zi_id == v.zi.id;
    if (ctx.json) {
        print_json(ctx.out(), o);
    } else {
        print_fields(ctx.out(), o);
    }
    return ExitStatus::ok;
}

ExitStatus show_zi(Context& ctx, Args args) {
    return print_zi(ctx, ctx.zis().show_zone(args[0], args.size() > 1 ? args[1] : ""));
}

ExitStatus show_zi_byid(Context& ctx, Args args) {
    return print_zi(ctx, ctx.zis().show_zi_by_id(id_arg(args[0], "ZI id")));
}

ExitStatus diff_zones(Context& ctx, Args args) {
    const auto a = ctx.zis().show_zone(args[0], args.size() > 2 ? args[2] : "");
    const auto b = ctx.zis().show_zone(args[1], args.size() > 3 ? args[3] : "");
    PrintOptions po;
    po.header = false;
    return diff_texts(
        ctx, print_zone_text(a.data, {}, po), fmt::format("{} ZI {}", a.zone.name, a.zi.id),
        print_zone_text(b.data, {}, po), fmt::format("{} ZI {}", b.zone.name, b.zi.id));
}

ExitStatus diff_zone_zi(Context& ctx, Args args) {
    const auto a = ctx.zis().show_zone(args[0], args[1]);
    const auto b = ctx.zis().show_zone(args[0], args.size() > 2 ? args[2] : "");
    PrintOptions po;
    po.header = false;
    return diff_texts(ctx, print_zone_text(a.data, {}, po), fmt::format("ZI {}", a.zi.id),
                      print_zone_text(b.data, {}, po), fmt::format("ZI {}", b.zi.id));
}

ExitStatus record_query_db(Context& ctx, Args args) {
    // record_query_db [-av] [-n domain] [-z zi] <label> [type] [rdata...]
    std::string label = args[0];
    if (!label.ends_with('.') && ctx.option('n').empty()) {
        label += '.';
    }
    const auto zone = ctx.option('n').empty() ? ctx.zones().zone_for_name(label)
                                              : ctx.zones().find_zone(ctx.option('n'));
    const auto view = ctx.zis().show_zone(zone.name, ctx.option('z'));
    std::string want = label;
    if (!ctx.option('n').empty() && !label.ends_with('.')) {
        want = label == "@" ? zone.name : label + "." + zone.name;
    }
    for (auto& c : want) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto rel =
        want == zone.name ? std::string("@") : want.substr(0, want.size() - zone.name.size() - 1);
    std::string type = args.size() > 1 ? args[1] : "";
    for (auto& c : type) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    std::string rdata;
    for (std::size_t i = 2; i < args.size(); ++i) {
        rdata += (i > 2 ? " " : "") + args[i];
    }
    std::vector<std::vector<std::string>> rows;
    boost::json::array found;
    for (const auto& g : view.data.groups) {
        for (const auto& rr : g.rrs) {
            if (rr.label != rel || (!type.empty() && type != "ANY" && rr.type != type) ||
                (!rdata.empty() && rr.rdata != rdata) || (rr.disable && !ctx.flag('a'))) {
                continue;
            }
            const auto ttl = rr.ttl.value_or(view.data.zone_ttl);
            rows.push_back({(rr.disable ? ";" : "") + want, ttl, "IN", rr.type, rr.rdata});
            found.push_back({{"zone", zone.name},
                             {"label", rr.label},
                             {"ttl", ttl},
                             {"type", rr.type},
                             {"rdata", rr.rdata},
                             {"disable", rr.disable}});
        }
    }
    if (ctx.json) {
        print_json(ctx.out(), found);
        return ExitStatus::ok;
    }
    if (rows.empty()) {
        fmt::print(ctx.err(), "no records for {} in zone {} (ZI {})\n", want, zone.name,
                   view.zi.id);
        return ExitStatus::no_host;
    }
    if (ctx.flag('v')) {
        fmt::print(ctx.out(), "; zone {} ZI {}\n", zone.name, view.zi.id);
    }
    print_table(ctx.out(), rows);
    return ExitStatus::ok;
}

} // namespace

void add_zone_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"ls", "[-tv] [-r ref] [-g sg] [domain...]",
                 "list zones (wildcards * and ?); -v adds serial, state, reference, SG; "
                 "-t hides disabled zones", 0, -1, "tv", "rg", ls});
    t.push_back({"ls_deleted", "[-v] [-r ref] [-g sg] [domain...]",
                 "list deleted zones with their zone ids", 0, -1, "v", "rg", ls_deleted});
    t.push_back({"ls_zi", "[-v] <domain> [zi-id]",
                 "list a zone's ZIs newest first; * marks the published one", 1, 2, "v", "",
                 ls_zi});
    t.push_back({"show_zonesm", "<domain>", "show a zone's state machine fields", 1, 1, "", "",
                 show_zonesm});
    t.push_back({"show_zonesm_byid", "<zone-id>", "show_zonesm by zone id", 1, 1, "", "",
                 show_zonesm_byid});
    t.push_back({"show_zone", "<domain> [zi-id]",
                 "show zone text of a ZI (default: published); zi-id as ^-, @2d, 12/11 ...",
                 1, 2, "", "", show_zone});
    t.push_back({"show_zone_byid", "<zone-id> [zi-id]", "show_zone by zone id", 1, 2, "", "",
                 show_zone_byid});
    t.push_back({"show_zi", "<domain> [zi-id]", "show a ZI's header fields", 1, 2, "", "",
                 show_zi});
    t.push_back({"show_zi_byid", "<zi-id>", "show_zi by ZI id", 1, 1, "", "", show_zi_byid});
    t.push_back({"diff_zones", "<domain1> <domain2> [zi1 [zi2]]",
                 "unified diff of two zones' texts", 2, 4, "", "", diff_zones});
    t.push_back({"diff_zone_zi", "<domain> <zi1> [zi2]",
                 "unified diff of two ZIs of a zone (zi2 default: published)", 2, 3, "", "",
                 diff_zone_zi});
    t.push_back({"record_query_db", "[-av] [-n domain] [-z zi] <label> [type] [rdata]",
                 "look a name up in the database like a resolver would (the most specific "
                 "zone); -a includes disabled records", 1, -1, "av", "nz", record_query_db});
    // clang-format on
}

} // namespace dms::zone_tool
