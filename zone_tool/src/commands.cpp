// SPDX-License-Identifier: GPL-3.0-or-later
// General commands: help.
#include <ostream>

#include <fmt/ostream.h>

#include "dms/zone_tool/cli.hpp"

namespace dms::zone_tool {
namespace {

ExitStatus help(Context& ctx, Args args) {
    if (args.empty()) {
        ctx.out() << "commands (zone_tool help COMMAND for one):\n";
        for (const auto& c : command_table()) {
            fmt::print(ctx.out(), "  {:<16} {}\n", c.name, c.summary);
        }
        return ExitStatus::ok;
    }
    const auto* cmd = find_command(args.front());
    if (cmd == nullptr) {
        fmt::print(ctx.err(), "zone_tool: help: no command '{}'\n", args.front());
        return ExitStatus::usage;
    }
    fmt::print(ctx.out(), "usage: {} {}\n\n  {}\n", cmd->name, cmd->args, cmd->summary);
    return ExitStatus::ok;
}

} // namespace

void add_general_commands(std::vector<Command>& table) {
    table.push_back(
        {"help", "[command]", "list the commands, or describe one", 0, 1, "", "", help});
}

} // namespace dms::zone_tool
