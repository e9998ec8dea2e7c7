// SPDX-License-Identifier: GPL-3.0-or-later
// Reference commands (REFERENCE.md 5.2): ls_reference, create_reference,
// delete_reference, rename_reference. A zone's own reference is set_zone_reference
// (zone_change_commands.cpp).
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/engine/reference_engine.hpp"
#include "dms/zone_tool/cli.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

engine::ReferenceEngine references(Context& ctx) {
    return engine::ReferenceEngine(ctx.session(), engine::local_caller());
}

ExitStatus ls_reference(Context& ctx, Args args) {
    const auto refs = references(ctx).list_references({args.begin(), args.end()});
    if (ctx.json) {
        boost::json::array a;
        for (const auto& r : refs) {
            a.push_back({{"reference", r.reference}, {"zone_count", r.zone_count}});
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    if (refs.empty()) {
        ctx.err() << "no references found\n";
        return ExitStatus::no_host;
    }
    std::vector<std::vector<std::string>> rows;
    rows.reserve(refs.size());
    for (const auto& r : refs) {
        rows.push_back({r.reference, std::to_string(r.zone_count)});
    }
    print_table(ctx.out(), rows);
    return ExitStatus::ok;
}

ExitStatus create_reference(Context& ctx, Args args) {
    references(ctx).create_reference(args[0]);
    fmt::print(ctx.out(), "created reference {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus delete_reference(Context& ctx, Args args) {
    references(ctx).delete_reference(args[0]);
    fmt::print(ctx.out(), "deleted reference {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus rename_reference(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Rename reference {} to {}?", args[0], args[1]))) {
        return ExitStatus::temp_fail;
    }
    references(ctx).rename_reference(args[0], args[1]);
    fmt::print(ctx.out(), "renamed reference {} to {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

} // namespace

void add_reference_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"ls_reference", "[ref-wildcard...]", "list references and how many zones use each",
                 0, -1, "", "", ls_reference});
    t.push_back({"create_reference", "<ref>", "create a reference", 1, 1, "", "",
                 create_reference});
    t.push_back({"delete_reference", "<ref>", "delete a reference no zone uses", 1, 1, "", "",
                 delete_reference});
    t.push_back({"rename_reference", "[-f] <ref> <new-ref>", "rename a reference", 2, 2, "f", "",
                 rename_reference});
    // clang-format on
}

} // namespace dms::zone_tool
