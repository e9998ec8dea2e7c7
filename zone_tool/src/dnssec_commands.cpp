// SPDX-License-Identifier: GPL-3.0-or-later
// DNSSEC commands (docs/dnssec.md): show_dnssec.
#include <fmt/ostream.h>

#include "dms/drivers/bind9.hpp"
#include "dms/engine/dnssec_engine.hpp"
#include "dms/engine/master_engine.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

std::string or_dash(const std::string& s) {
    return s.empty() ? "-" : s;
}

ExitStatus show_dnssec(Context& ctx, Args args) {
    const auto named = drivers::bind9::make_named_driver(ctx.config());
    const auto st = engine::show_dnssec(ctx.session(), *named, args[0]);
    if (ctx.json) {
        boost::json::array keys;
        for (const auto& k : st.keys) {
            boost::json::array ds;
            for (const auto& d : k.ds) {
                ds.emplace_back(d.rdata());
            }
            keys.push_back({{"key_tag", k.key_tag},
                            {"algorithm", k.algorithm},
                            {"flags", k.flags},
                            {"role", k.role},
                            {"goal", k.state.goal},
                            {"dnskey_state", k.state.dnskey},
                            {"ds_state", k.state.ds},
                            {"published", k.state.published},
                            {"retired", k.state.retired},
                            {"ds", ds},
                            {"cds_published", k.cds_published}});
        }
        boost::json::array nsec3param;
        for (const auto& n : st.nsec3param) {
            nsec3param.emplace_back(n);
        }
        print_json(ctx.out(), boost::json::object{{"zone", st.zone},
                                                  {"auto_dnssec", st.auto_dnssec},
                                                  {"nsec3", st.nsec3},
                                                  {"signed", st.signed_zone},
                                                  {"keys", keys},
                                                  {"nsec3param", nsec3param},
                                                  {"cds", st.cds},
                                                  {"cdnskey", st.cdnskey},
                                                  {"rrsigs", st.rrsigs}});
        return ExitStatus::ok;
    }
    auto& out = ctx.out();
    fmt::print(out, "zone:        {}\n", st.zone);
    fmt::print(out, "auto_dnssec: {}{}\n", st.auto_dnssec ? "yes" : "no",
               st.auto_dnssec ? (st.nsec3 ? " (policy dms-nsec3)" : " (policy dms-default)") : "");
    if (!st.signed_zone) {
        fmt::print(out, "signed:      no (the master serves no DNSKEY){}\n",
                   st.auto_dnssec ? "; named may still be signing it" : "");
        return ExitStatus::ok;
    }
    fmt::print(out, "signed:      yes, {} RRSIG records; denial {}; CDS {}, CDNSKEY {}\n",
               st.rrsigs, st.nsec3param.empty() ? "NSEC" : "NSEC3 " + st.nsec3param.front(), st.cds,
               st.cdnskey);
    std::vector<std::vector<std::string>> rows{
        {"  key_tag", "alg", "role", "goal", "dnskey", "ds", "published", "retires", "cds"}};
    for (const auto& k : st.keys) {
        rows.push_back({"  " + std::to_string(k.key_tag), std::to_string(k.algorithm), k.role,
                        or_dash(k.state.goal), or_dash(k.state.dnskey), or_dash(k.state.ds),
                        or_dash(k.state.published),
                        k.state.retired.empty() ? "never" : k.state.retired,
                        k.ds.empty()      ? "-"
                        : k.cds_published ? "yes"
                                          : "no"});
    }
    fmt::print(out, "keys:\n");
    print_table(out, rows);
    fmt::print(out, "DS (for the parent zone):\n");
    for (const auto& k : st.keys) {
        for (const auto& d : k.ds) {
            fmt::print(out, "  {} IN DS {}\n", st.zone, d.rdata());
        }
    }
    return ExitStatus::ok;
}

ExitStatus recreate_ds(Context& ctx, Args args) {
    const auto named = drivers::bind9::make_named_driver(ctx.config());
    const auto files = engine::recreate_ds(ctx.session(), ctx.config(), *named, args[0]);
    if (ctx.json) {
        boost::json::array list;
        for (const auto& f : files) {
            boost::json::array lines;
            for (const auto& l : f.lines) {
                lines.emplace_back(l);
            }
            list.push_back(
                {{"zone", f.zone}, {"file", f.path}, {"ds", lines}, {"skipped", f.skipped}});
        }
        print_json(ctx.out(), list);
        return ExitStatus::ok;
    }
    std::size_t written = 0;
    for (const auto& f : files) {
        if (f.path.empty()) {
            fmt::print(ctx.out(), "{}: skipped ({})\n", f.zone, f.skipped);
        } else {
            ++written;
            fmt::print(ctx.out(), "{}: wrote {} ({} DS records)\n", f.zone, f.path, f.lines.size());
        }
    }
    fmt::print(ctx.out(), "{} DS file(s) written, {} zone(s) skipped\n", written,
               files.size() - written);
    return ExitStatus::ok;
}

ExitStatus sign_zone(Context& ctx, Args args) {
    const auto id = engine::MasterEngine(ctx.session(), engine::local_caller()).sign_zone(args[0]);
    fmt::print(ctx.out(), "MasterSMSignZone queued for {} (event {}): dmsd runs rndc sign\n",
               args[0], id);
    return ExitStatus::ok;
}

ExitStatus loadkeys_zone(Context& ctx, Args args) {
    const auto id =
        engine::MasterEngine(ctx.session(), engine::local_caller()).loadkeys_zone(args[0]);
    fmt::print(ctx.out(), "MasterSMLoadKeys queued for {} (event {}): dmsd runs rndc loadkeys\n",
               args[0], id);
    return ExitStatus::ok;
}

} // namespace

void add_dnssec_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"show_dnssec", "<domain>",
                 "a signed zone's keys (tag, algorithm, role, the key manager's states, "
                 "rollover), its DS records (SHA-256, SHA-384) for the parent, CDS/CDNSKEY, "
                 "NSEC or NSEC3, as the master named serves it; --json", 1, 1, "", "",
                 show_dnssec});
    t.push_back({"recreate_ds", "<domain>|<wildcard>",
                 "write each signed zone's DS records (SHA-256, SHA-384, computed from the "
                 "served DNSKEY) to dnssec_ds_dir/<zone>, one file per zone; --json", 1, 1, "",
                 "", recreate_ds});
    t.push_back({"sign_zone", "<domain>",
                 "queue MasterSMSignZone: named re-signs the zone with its keys (rndc sign)", 1,
                 1, "", "", sign_zone});
    t.push_back({"loadkeys_zone", "<domain>",
                 "queue MasterSMLoadKeys: named reads the zone's key directory again (rndc "
                 "loadkeys)", 1, 1, "", "", loadkeys_zone});
    // clang-format on
}

} // namespace dms::zone_tool
