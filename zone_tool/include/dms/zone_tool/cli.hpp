// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// zone_tool: the operator's shell. One command table drives dispatch, help and
// argument checks (REFERENCE.md 5). Exit statuses follow sysexits.

#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/core/exit_status.hpp"
#include "dms/db/session.hpp"

namespace dms::zone_tool {

/// What a command runs with.
class Context {
public:
    Context(Config config, std::ostream& out, std::ostream& err)
        : m_config(std::move(config)), m_out(out), m_err(err) {}

    const Config& config() const { return m_config; }
    std::ostream& out() { return m_out; }
    std::ostream& err() { return m_err; }
    /// The database session, opened on first use (throws DatabaseError).
    db::Session& session();

    bool force = false; ///< -f: no confirmation prompts

private:
    Config m_config;
    std::ostream& m_out;
    std::ostream& m_err;
    std::optional<db::Session> m_session;
};

using Args = std::span<const std::string>;

struct Command {
    std::string_view name;
    std::string_view args;    ///< synopsis of the arguments, e.g. "<domain> [zi-id]"
    std::string_view summary; ///< one line for `help`
    int min_args = 0;
    int max_args = 0;          ///< -1: no limit
    std::string_view switches; ///< single-letter switches accepted, e.g. "f"
    std::function<ExitStatus(Context&, Args)> run;
};

/// Every zone_tool command, in help order. Built explicitly (no self-registration).
const std::vector<Command>& command_table();
const Command* find_command(std::string_view name);

/// Run one command line (already split into words, command first).
ExitStatus run_command(Context& ctx, const std::vector<std::string>& words);

/// The whole program: global options, then one command. `args` excludes argv[0].
int main_entry(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Command groups, each in its own file; command_table() concatenates them.
void add_general_commands(std::vector<Command>& table);
void add_db_commands(std::vector<Command>& table);

} // namespace dms::zone_tool
