// SPDX-License-Identifier: GPL-3.0-or-later
// Zone lifecycle and content commands (REFERENCE.md 5.2 "Zone lifecycle/editing").
#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/zone_tool/cli.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

/// Options shared by create_zone, copy_zone, load_zone(s): -g, -r, -i and zone options.
engine::CreateOptions create_options(Context& ctx, Args zone_options) {
    engine::CreateOptions o;
    o.sg_name = ctx.option('g');
    o.reference = ctx.option('r');
    if (ctx.flag('i')) {
        o.flags.inc_updates = true;
    }
    for (const auto& w : zone_options) {
        if (auto e = engine::parse_zone_option(w, o.flags); !e.empty()) {
            throw Error(ErrorCode::usage, e);
        }
    }
    return o;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
    }
    std::stringstream s;
    s << in.rdbuf();
    auto text = s.str();
    // Zone files are text: refuse binary input early (BinaryFileError).
    for (std::size_t i = 0; i < std::min<std::size_t>(text.size(), 256); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
            throw Error(ErrorCode::zi_text_parse, fmt::format("{}: not a text file", path));
        }
    }
    return text;
}

void report_zone(Context& ctx, const db::ZoneRecord& z, std::string_view what) {
    if (ctx.json) {
        print_json(ctx.out(), to_json(z));
    } else {
        fmt::print(ctx.out(), "{} {}: state {}\n", what, z.name, z.state);
    }
}

ExitStatus create_zone(Context& ctx, Args args) {
    const auto z = ctx.zones().create_zone(args[0], create_options(ctx, args.subspan(1)));
    report_zone(ctx, z, "created zone");
    return ExitStatus::ok;
}

ExitStatus copy_zone(Context& ctx, Args args) {
    const auto z = ctx.zones().copy_zone(args[0], args[1], create_options(ctx, args.subspan(2)),
                                         ctx.option('z'));
    report_zone(ctx, z, "created zone");
    return ExitStatus::ok;
}

ExitStatus copy_zi(Context& ctx, Args args) {
    const auto zi =
        ctx.zis().copy_zi(args[0], args[1], args.size() > 2 ? args[2] : ctx.option('z'));
    fmt::print(ctx.out(),
               "copied into {} as ZI {} (not published: refresh_zone {} {} to "
               "publish it)\n",
               args[1], zi, args[1], zi);
    return ExitStatus::ok;
}

ExitStatus load_zone(Context& ctx, Args args) {
    const auto text = read_file(args[0]);
    const auto z =
        ctx.zones().load_zone(text, args[1], create_options(ctx, args.subspan(2)), args[0]);
    report_zone(ctx, z, "loaded zone");
    return ExitStatus::ok;
}

ExitStatus load_zones(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Load {} zone file(s)?", args.size()))) {
        return ExitStatus::temp_fail;
    }
    auto opts = create_options(ctx, {});
    opts.batch = true;
    // Chunks of zones, each one transaction of a few statements (ZoneEngine::load_zones);
    // a few sessions in parallel keep both PostgreSQL and the parsing busy.
    constexpr std::size_t chunk = 100;
    const std::size_t chunks = (args.size() + chunk - 1) / chunk;
    const std::size_t threads = std::clamp<std::size_t>(chunks, 1, 4);
    std::atomic<std::size_t> next{0}, ok{0}, failed{0};
    std::mutex out_mutex;
    const auto load = [&](engine::ZoneEngine& zones) {
        for (std::size_t c = next++; c < chunks; c = next++) {
            std::vector<engine::ZoneLoad> items;
            for (std::size_t i = c * chunk; i < std::min(args.size(), (c + 1) * chunk); ++i) {
                engine::ZoneLoad item;
                item.source = args[i];
                try {
                    item.text = read_file(args[i]);
                    if (!ctx.flag('o')) {
                        item.name = std::filesystem::path(args[i]).filename().string();
                    }
                } catch (const std::exception& e) {
                    item.error = e.what();
                }
                items.push_back(std::move(item));
            }
            try {
                zones.load_zones(items, opts);
            } catch (const std::exception& e) {
                for (auto& item : items) {
                    if (!item.zone && item.error.empty()) {
                        item.error = e.what();
                    }
                }
            }
            const std::lock_guard lock(out_mutex);
            for (const auto& item : items) {
                if (item.zone) {
                    fmt::print(ctx.out(), "loaded zone {}: state {}\n", item.zone->name,
                               item.zone->state);
                    ++ok;
                } else {
                    // Carry on with the other files; report each failure.
                    fmt::print(ctx.err(), "zone_tool: load_zones: {}: {}\n", item.source,
                               item.error);
                    ++failed;
                }
            }
        }
    };
    std::vector<db::Session> sessions;
    for (std::size_t t = 1; t < threads; ++t) {
        sessions.push_back(db::Session::open(ctx.config().db));
    }
    std::vector<std::thread> workers;
    workers.reserve(sessions.size());
    for (auto& s : sessions) {
        workers.emplace_back([&] {
            engine::ZoneEngine zones(s, ctx.config(), engine::local_caller());
            load(zones);
        });
    }
    engine::ZoneEngine zones(ctx.session(), ctx.config(), engine::local_caller());
    load(zones);
    for (auto& w : workers) {
        w.join();
    }
    fmt::print(ctx.out(), "{} zone(s) loaded, {} failed\n", ok.load(), failed.load());
    return failed == 0 ? ExitStatus::ok : ExitStatus::data_err;
}

ExitStatus load_zone_zi(Context& ctx, Args args) {
    const auto text = read_file(args[0]);
    const auto zi = ctx.zis().load_zone_zi(text, args[1], args[0]);
    fmt::print(ctx.out(), "saved ZI {} for {}\n", zi, args[1]);
    return ExitStatus::ok;
}

ExitStatus set_zone(Context& ctx, Args args) {
    engine::ZoneFlags flags;
    for (const auto& w : args.subspan(1)) {
        if (auto e = engine::parse_zone_option(w, flags); !e.empty()) {
            throw Error(ErrorCode::usage, e);
        }
    }
    report_zone(ctx, ctx.zones().set_zone(args[0], flags), "zone");
    return ExitStatus::ok;
}

ExitStatus delete_zone(Context& ctx, Args args) {
    report_zone(ctx, ctx.zones().delete_zone(args[0]), "deleted zone");
    return ExitStatus::ok;
}

ExitStatus undelete_zone(Context& ctx, Args args) {
    report_zone(ctx, ctx.zones().undelete_zone(id_arg(args[0], "zone id")), "undeleted zone");
    return ExitStatus::ok;
}

ExitStatus destroy_zone(Context& ctx, Args args) {
    const auto id = id_arg(args[0], "zone id");
    ctx.zones().destroy_zone(id);
    fmt::print(ctx.out(), "destroyed zone id {}\n", id);
    return ExitStatus::ok;
}

ExitStatus delete_zi(Context& ctx, Args args) {
    ctx.zis().delete_zi(args[0], args[1]);
    fmt::print(ctx.out(), "deleted ZI {} of {}\n", args[1], args[0]);
    return ExitStatus::ok;
}

ExitStatus nuke_zones(Context& ctx, Args args) {
    const auto f = zone_filter(ctx, args);
    const auto matching = ctx.zones().list_zones(f);
    if (matching.empty()) {
        ctx.err() << "no zones found\n";
        return ExitStatus::no_host;
    }
    if (!ctx.confirm(fmt::format("Nuke {} zone(s) ({} ...)? They are deleted at once and "
                                 "reaped by the next vacuum.",
                                 matching.size(), matching.front().name))) {
        return ExitStatus::temp_fail;
    }
    for (const auto& n : ctx.zones().nuke_zones(f)) {
        fmt::print(ctx.out(), "nuked {}\n", n);
    }
    return ExitStatus::ok;
}

ExitStatus enable_zone(Context& ctx, Args args) {
    report_zone(ctx, ctx.zones().enable_zone(args[0]), "enabled zone");
    return ExitStatus::ok;
}

ExitStatus disable_zone(Context& ctx, Args args) {
    report_zone(ctx, ctx.zones().disable_zone(args[0]), "disabled zone");
    return ExitStatus::ok;
}

ExitStatus clear_edit_lock(Context& ctx, Args args) {
    ctx.zones().release_edit_lock(args[0], id_arg(args[1], "edit lock token"));
    fmt::print(ctx.out(), "edit lock of {} cleared\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus refresh_zone(Context& ctx, Args args) {
    const std::string spec = args.size() > 1 ? args[1] : "";
    if (!ctx.confirm(
            fmt::format("Publish {} {}?", args[0], spec.empty() ? "again" : "ZI " + spec))) {
        return ExitStatus::temp_fail;
    }
    report_zone(ctx, ctx.zones().refresh_zone(args[0], spec), "refresh queued for");
    return ExitStatus::ok;
}

ExitStatus reset_zonesm(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Reset {}? named drops and reloads it from the database: "
                                 "DNSSEC signatures are lost",
                                 args[0]))) {
        return ExitStatus::temp_fail;
    }
    report_zone(ctx, ctx.zones().reset_zonesm(args[0], args.size() > 1 ? args[1] : ""),
                "reset queued for");
    return ExitStatus::ok;
}

ExitStatus reset_all_zones(Context& ctx, Args /*args*/) {
    if (!ctx.confirm("Reset EVERY zone? Each is dropped and reloaded by named; DNSSEC "
                     "signatures are lost")) {
        return ExitStatus::temp_fail;
    }
    const auto names = ctx.zones().reset_all_zones();
    fmt::print(ctx.out(), "reset queued for {} zones\n", names.size());
    return ExitStatus::ok;
}

ExitStatus refresh_zone_ttl(Context& ctx, Args args) {
    const auto zi = ctx.zis().refresh_zone_ttl(args[0], args.size() > 1 ? args[1] : "");
    fmt::print(ctx.out(), "zone {}: ZI {} saved with the new zone TTL, publishing\n", args[0], zi);
    return ExitStatus::ok;
}

ExitStatus poke_zone_set_serial(Context& ctx, Args args) {
    std::uint64_t value = 0;
    const auto& text = args[1];
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw Error(ErrorCode::soa_serial_range,
                    fmt::format("'{}' is not a serial (1..4294967295)", text));
    }
    if (!ctx.confirm(fmt::format("Publish {} with SOA serial {}?", args[0], value))) {
        return ExitStatus::temp_fail;
    }
    report_zone(ctx, ctx.zones().poke_zone_set_serial(args[0], value, ctx.flag('u')),
                "serial update queued for");
    return ExitStatus::ok;
}

ExitStatus poke_zone_wrap_serial(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Wrap the SOA serial of {} (to the end of the RFC 1982 "
                                 "window; the next update brings a date serial back)?",
                                 args[0]))) {
        return ExitStatus::temp_fail;
    }
    report_zone(ctx, ctx.zones().poke_zone_wrap_serial(args[0]), "serial wrap queued for");
    return ExitStatus::ok;
}

ExitStatus set_zone_reference(Context& ctx, Args args) {
    const std::string ref = args.size() > 1 ? args[1] : ctx.option('r');
    const auto z = ctx.zones().set_zone_reference(args[0], ref);
    fmt::print(ctx.out(), "zone {}: reference {}\n", z.name,
               z.reference.empty() ? "(none)" : z.reference);
    return ExitStatus::ok;
}

} // namespace

void add_zone_change_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"create_zone", "[-g sg] [-i] [-r ref] <domain> [zone-option...]",
                 "create a zone with the default SOA and apex NS; zone-option: use_apex_ns "
                 "edit_lock auto_dnssec nsec3 inc_updates, prefixed no_ or def_", 1, 6, "i", "gr",
                 create_zone});
    t.push_back({"copy_zone", "[-g sg] [-i] [-r ref] [-z zi] <src> <domain> [zone-option...]",
                 "create a zone from a ZI of another zone", 2, 7, "i", "grz", copy_zone});
    t.push_back({"copy_zi", "[-z zi] <src> <domain> [zi-id]",
                 "copy a ZI of one zone into another as an unpublished ZI", 2, 3, "", "z",
                 copy_zi});
    t.push_back({"load_zone", "[-g sg] [-i] [-r ref] <file> <domain> [zone-option...]",
                 "create a zone from a zone file", 2, 7, "i", "gr", load_zone});
    t.push_back({"load_zones", "[-f] [-g sg] [-i] [-r ref] [-o] <file>...",
                 "create zones from files named after the zones (-o: name from $ORIGIN or "
                 "SOA); carries on past bad files", 1, -1, "fio", "gr", load_zones});
    t.push_back({"load_zone_zi", "<file> <domain>",
                 "save a zone file as a new ZI of an existing zone and publish it", 2, 2, "", "",
                 load_zone_zi});
    t.push_back({"set_zone", "<domain> <zone-option>...", "change a zone's flags", 2, 6, "", "",
                 set_zone});
    t.push_back({"delete_zone", "<domain>", "delete a zone (kept for undelete_zone)", 1, 1, "", "",
                 delete_zone});
    t.push_back({"undelete_zone", "<zone-id>", "bring a deleted zone back (see ls_deleted)",
                 1, 1, "", "", undelete_zone});
    t.push_back({"destroy_zone", "<zone-id>", "remove a deleted zone for good", 1, 1, "", "",
                 destroy_zone});
    t.push_back({"delete_zi", "<domain> <zi-id>", "delete a ZI that is not published", 2, 2, "",
                 "", delete_zi});
    t.push_back({"nuke_zones", "[-f] [-r ref] [-g sg] <domain>...",
                 "delete zones (wildcards) for immediate reaping; reverse zones excluded", 1, -1,
                 "f", "rg", nuke_zones});
    t.push_back({"enable_zone", "<domain>", "serve a disabled zone again", 1, 1, "", "",
                 enable_zone});
    t.push_back({"disable_zone", "<domain>", "stop serving a zone, keeping it", 1, 1, "", "",
                 disable_zone});
    t.push_back({"clear_edit_lock", "<domain> <token>", "release an edit lock", 2, 2, "", "",
                 clear_edit_lock});
    t.push_back({"refresh_zone", "[-f] <domain> [zi-id]",
                 "publish the zone again, or another ZI of it (roll back or forward)", 1, 2,
                 "f", "", refresh_zone});
    t.push_back({"refresh_zone_ttl", "<domain> [zone-ttl]",
                 "save the zone with a new zone TTL (default zone_cfg zone_ttl) and publish it",
                 1, 2, "", "", refresh_zone_ttl});
    t.push_back({"reset_zonesm", "[-f] <domain> [zi-id]",
                 "make named drop and reload the zone from the database (loses DNSSEC "
                 "signatures; asks first)", 1, 2, "f", "", reset_zonesm});
    t.push_back({"reset_all_zones", "[-f]", "reset_zonesm of every enabled zone (asks first)",
                 0, 0, "f", "", reset_all_zones});
    t.push_back({"poke_zone_set_serial", "[-fu] <domain> <serial>",
                 "publish with this SOA serial; -u even if no record changed (asks first)", 2, 2,
                 "fu", "", poke_zone_set_serial});
    t.push_back({"poke_zone_wrap_serial", "[-f] <domain>",
                 "publish with the serial wrapped to the end of the RFC 1982 window (asks "
                 "first)", 1, 1, "f", "", poke_zone_wrap_serial});
    t.push_back({"set_zone_reference", "[-r ref] <domain> [ref]",
                 "set the zone's reference (none given: clear it)", 1, 2, "", "r",
                 set_zone_reference});
    // clang-format on
}

} // namespace dms::zone_tool
