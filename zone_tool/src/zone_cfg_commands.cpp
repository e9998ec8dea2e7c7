// SPDX-License-Identifier: GPL-3.0-or-later
// Zone configuration commands: the zone_cfg defaults and the apex NS servers
// (REFERENCE.md 5.2).
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/file_util.hpp"
#include "dms/engine/zone_cfg_engine.hpp"
#include "dms/zone_tool/cli.hpp"

#include "editor.hpp"
#include "output.hpp"

namespace dms::zone_tool {
namespace {

engine::ZoneCfgEngine zone_cfg(Context& ctx) {
    return engine::ZoneCfgEngine(ctx.session(), engine::local_caller());
}

ExitStatus show_config(Context& ctx, Args /*args*/) {
    const auto rows = zone_cfg(ctx).show_config();
    if (ctx.json) {
        boost::json::array a;
        for (const auto& r : rows) {
            a.push_back({{"key", r.key}, {"value", r.value}, {"sg", r.sg_name}});
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    std::vector<std::vector<std::string>> table;
    table.reserve(rows.size());
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
    zone_cfg(ctx).set_config(args[i], args[i + 1], sg);
    fmt::print(ctx.out(), "{}{} = {}\n", sg.empty() ? "" : "(" + sg + ") ", args[i], args[i + 1]);
    return ExitStatus::ok;
}

std::string sg_arg(Context& ctx, Args args) {
    return args.empty() ? ctx.option('g') : args[0];
}

ExitStatus show_apex_ns(Context& ctx, Args args) {
    return print_list(ctx, zone_cfg(ctx).apex_ns(sg_arg(ctx, args)));
}

ExitStatus edit_apex_ns(Context& ctx, Args args) {
    const auto sg = sg_arg(ctx, args);
    auto cfg = zone_cfg(ctx);
    TempFile temp("zone_tool-apex-");
    temp.close();
    const std::string file = temp.path();
    {
        std::ofstream out(file);
        out << "# apex NS servers" << (sg.empty() ? "" : " of server group " + sg)
            << ", one per line\n";
        for (const auto& n : cfg.apex_ns(sg)) {
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
    cfg.set_apex_ns(sg, names);
    fmt::print(ctx.out(), "apex NS: {}\n", fmt::join(names, " "));
    return ExitStatus::ok;
}

} // namespace

void add_zone_cfg_commands(std::vector<Command>& t) {
    // clang-format off
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
