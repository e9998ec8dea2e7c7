// SPDX-License-Identifier: GPL-3.0-or-later
// Security tag commands (REFERENCE.md 5.2): defining tags and giving them to zones.
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/engine/sectag_engine.hpp"
#include "dms/zone_tool/cli.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

engine::SectagEngine sectags(Context& ctx) {
    return engine::SectagEngine(ctx.session(), engine::local_caller());
}

ExitStatus show_sectags(Context& ctx, Args /*args*/) {
    return print_list(ctx, sectags(ctx).list_sectags());
}

ExitStatus create_sectag(Context& ctx, Args args) {
    sectags(ctx).create_sectag(args[0]);
    fmt::print(ctx.out(), "created security tag {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus delete_sectag(Context& ctx, Args args) {
    sectags(ctx).delete_sectag(args[0]);
    fmt::print(ctx.out(), "deleted security tag {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus show_zone_sectags(Context& ctx, Args args) {
    return print_list(ctx, sectags(ctx).zone_sectags(args[0]));
}

ExitStatus add_zone_sectag(Context& ctx, Args args) {
    sectags(ctx).add_zone_sectag(args[0], args[1]);
    fmt::print(ctx.out(), "zone {}: added security tag {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus delete_zone_sectag(Context& ctx, Args args) {
    sectags(ctx).delete_zone_sectag(args[0], args[1]);
    fmt::print(ctx.out(), "zone {}: removed security tag {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus replace_zone_sectags(Context& ctx, Args args) {
    const std::vector<std::string> tags(args.begin() + 1, args.end());
    if (!ctx.confirm(fmt::format("Replace the security tags of {} with: {}?", args[0],
                                 fmt::join(tags, " ")))) {
        return ExitStatus::temp_fail;
    }
    sectags(ctx).replace_zone_sectags(args[0], tags);
    fmt::print(ctx.out(), "zone {}: security tags {}\n", args[0], fmt::join(tags, " "));
    return ExitStatus::ok;
}

} // namespace

void add_sectag_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"show_sectags", "", "list the security tags", 0, 0, "", "", show_sectags});
    t.push_back({"create_sectag", "<label>", "define a security tag", 1, 1, "", "",
                 create_sectag});
    t.push_back({"delete_sectag", "<label>", "remove a security tag no zone carries", 1, 1, "", "",
                 delete_sectag});
    t.push_back({"show_zone_sectags", "<domain>", "list a zone's security tags", 1, 1, "", "",
                 show_zone_sectags});
    t.push_back({"add_zone_sectag", "<domain> <label>", "give a zone a security tag", 2, 2, "",
                 "", add_zone_sectag});
    t.push_back({"delete_zone_sectag", "<domain> <label>", "take a security tag from a zone", 2,
                 2, "", "", delete_zone_sectag});
    t.push_back({"replace_zone_sectags", "[-f] <domain> <label>...",
                 "set exactly these security tags on a zone", 2, -1, "f", "",
                 replace_zone_sectags});
    // clang-format on
}

} // namespace dms::zone_tool
