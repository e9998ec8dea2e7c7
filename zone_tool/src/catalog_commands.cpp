// SPDX-License-Identifier: GPL-3.0-or-later
// References, security tags and zone configuration commands (REFERENCE.md 5.2).
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/engine/catalog_engine.hpp"
#include "dms/zone_tool/cli.hpp"

#include "editor.hpp"
#include "output.hpp"

namespace dms::zone_tool {
namespace {

engine::CatalogEngine catalog(Context& ctx) {
    return engine::CatalogEngine(ctx.session(), engine::local_caller());
}

ExitStatus ls_reference(Context& ctx, Args args) {
    const auto refs = catalog(ctx).list_references({args.begin(), args.end()});
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
    for (const auto& r : refs) {
        rows.push_back({r.reference, std::to_string(r.zone_count)});
    }
    print_table(ctx.out(), rows);
    return ExitStatus::ok;
}

ExitStatus create_reference(Context& ctx, Args args) {
    catalog(ctx).create_reference(args[0]);
    fmt::print(ctx.out(), "created reference {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus delete_reference(Context& ctx, Args args) {
    catalog(ctx).delete_reference(args[0]);
    fmt::print(ctx.out(), "deleted reference {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus rename_reference(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Rename reference {} to {}?", args[0], args[1]))) {
        return ExitStatus::temp_fail;
    }
    catalog(ctx).rename_reference(args[0], args[1]);
    fmt::print(ctx.out(), "renamed reference {} to {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus print_list(Context& ctx, const std::vector<std::string>& items) {
    if (ctx.json) {
        boost::json::array a(items.begin(), items.end());
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    for (const auto& i : items) {
        ctx.out() << i << '\n';
    }
    return ExitStatus::ok;
}

ExitStatus show_sectags(Context& ctx, Args /*args*/) {
    return print_list(ctx, catalog(ctx).list_sectags());
}

ExitStatus create_sectag(Context& ctx, Args args) {
    catalog(ctx).create_sectag(args[0]);
    fmt::print(ctx.out(), "created security tag {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus delete_sectag(Context& ctx, Args args) {
    catalog(ctx).delete_sectag(args[0]);
    fmt::print(ctx.out(), "deleted security tag {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus show_zone_sectags(Context& ctx, Args args) {
    return print_list(ctx, catalog(ctx).zone_sectags(args[0]));
}

ExitStatus add_zone_sectag(Context& ctx, Args args) {
    catalog(ctx).add_zone_sectag(args[0], args[1]);
    fmt::print(ctx.out(), "zone {}: added security tag {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus delete_zone_sectag(Context& ctx, Args args) {
    catalog(ctx).delete_zone_sectag(args[0], args[1]);
    fmt::print(ctx.out(), "zone {}: removed security tag {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus replace_zone_sectags(Context& ctx, Args args) {
    const std::vector<std::string> tags(args.begin() + 1, args.end());
    if (!ctx.confirm(fmt::format("Replace the security tags of {} with: {}?", args[0],
                                 fmt::join(tags, " ")))) {
        return ExitStatus::temp_fail;
    }
    catalog(ctx).replace_zone_sectags(args[0], tags);
    fmt::print(ctx.out(), "zone {}: security tags {}\n", args[0], fmt::join(tags, " "));
    return ExitStatus::ok;
}

ExitStatus show_config(Context& ctx, Args /*args*/) {
    const auto rows = catalog(ctx).show_config();
    if (ctx.json) {
        boost::json::array a;
        for (const auto& r : rows) {
            a.push_back({{"key", r.key}, {"value", r.value}, {"sg", r.sg_name}});
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    std::vector<std::vector<std::string>> table;
    for (const auto& r : rows) {
        table.push_back({r.key, r.value, r.sg_name.empty() ? "" : "(" + r.sg_name + ")"});
    }
    print_table(ctx.out(), table);
    return ExitStatus::ok;
}

ExitStatus set_config(Context& ctx, Args args) {
    // set_config [-g sg] [sg] <key> <value>
    std::string sg = ctx.option('g');
    std::size_t i = 0;
    if (args.size() == 3) {
        sg = args[0];
        i = 1;
    }
    catalog(ctx).set_config(args[i], args[i + 1], sg);
    fmt::print(ctx.out(), "{}{} = {}\n", sg.empty() ? "" : "(" + sg + ") ", args[i], args[i + 1]);
    return ExitStatus::ok;
}

std::string sg_arg(Context& ctx, Args args) {
    return args.empty() ? ctx.option('g') : args[0];
}

ExitStatus show_apex_ns(Context& ctx, Args args) {
    return print_list(ctx, catalog(ctx).apex_ns(sg_arg(ctx, args)));
}

ExitStatus edit_apex_ns(Context& ctx, Args args) {
    const auto sg = sg_arg(ctx, args);
    auto cat = catalog(ctx);
    TempFile temp("zone_tool-apex-");
    temp.close();
    const std::string file = temp.path();
    {
        std::ofstream out(file);
        out << "# apex NS servers" << (sg.empty() ? "" : " of server group " + sg)
            << ", one per line\n";
        for (const auto& n : cat.apex_ns(sg)) {
            out << n << '\n';
        }
    }
    run_editor(file);
    std::ifstream in(file);
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string w;
        if (words >> w && !w.starts_with('#')) {
            names.push_back(w);
        }
    }
    cat.set_apex_ns(sg, names);
    fmt::print(ctx.out(), "apex NS: {}\n", fmt::join(names, " "));
    return ExitStatus::ok;
}

} // namespace

void add_catalog_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"ls_reference", "[ref-wildcard...]", "list references and how many zones use each",
                 0, -1, "", "", ls_reference});
    t.push_back({"create_reference", "<ref>", "create a reference", 1, 1, "", "",
                 create_reference});
    t.push_back({"delete_reference", "<ref>", "delete a reference no zone uses", 1, 1, "", "",
                 delete_reference});
    t.push_back({"rename_reference", "[-f] <ref> <new-ref>", "rename a reference", 2, 2, "f", "",
                 rename_reference});
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
    t.push_back({"show_config", "", "show the zone defaults (zone_cfg), global and per SG", 0, 0,
                 "", "", show_config});
    t.push_back({"set_config", "[-g sg] [sg] <key> <value>",
                 "set a zone default, globally or for an SG (soa_mname: per SG only)", 2, 3, "",
                 "g", set_config});
    t.push_back({"show_apex_ns", "[-g sg] [sg]", "list the apex NS servers of an SG", 0, 1, "",
                 "g", show_apex_ns});
    t.push_back({"edit_apex_ns", "[-g sg] [sg]", "edit the apex NS servers of an SG in $EDITOR",
                 0, 1, "", "g", edit_apex_ns});
    // clang-format on
}

} // namespace dms::zone_tool
