// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// zone_tool: the operator's shell. One command table drives dispatch, help and
// argument checks (REFERENCE.md 5). Exit statuses follow sysexits.

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/core/exit_status.hpp"
#include "dms/db/session.hpp"
#include "dms/engine/zi_engine.hpp"
#include "dms/engine/zone_engine.hpp"

namespace dms::zone_tool {

/// What a command runs with.
class Context {
public:
    /// `interactive`: an operator at a terminal answers questions on `in`.
    Context(Config config, std::istream& in, std::ostream& out, std::ostream& err, bool interactive)
        : m_config(std::move(config)), m_in(in), m_out(out), m_err(err),
          m_interactive(interactive) {}

    const Config& config() const { return m_config; }
    std::ostream& out() { return m_out; }
    std::ostream& err() { return m_err; }
    /// Whether questions can be asked (a terminal); otherwise commands that would ask
    /// take their documented default or refuse.
    bool interactive() const { return m_interactive; }
    /// Print `question` and read one line of answer; std::nullopt at end of input
    /// (Ctrl-D) or when interrupted (Ctrl-C).
    std::optional<std::string> ask(std::string_view question);
    /// The shell: out() is collected for the pager; questions go to `terminal` after
    /// `flush_output` has shown what the command printed so far.
    void set_terminal(std::ostream& terminal, std::function<void()> flush_output) {
        m_terminal = &terminal;
        m_flush_output = std::move(flush_output);
    }
    /// The database session, opened on first use (throws DatabaseError).
    db::Session& session();
    /// Zone operations as the local user (Admin), on first use.
    engine::ZoneEngine& zones();
    /// Zone instance operations as the local user (Admin), on first use.
    engine::ZiEngine& zis();
    /// Close the database session (it is opened again on next use).
    void close_session();

    /// Per-command switches of the current command: flags ('f' -> "") and
    /// switches with a value ('r' -> "customer-1").
    bool flag(char c) const { return m_switches.count(c) != 0; }
    std::string option(char c) const;
    void set_switches(std::map<char, std::string> s) { m_switches = std::move(s); }

    bool force = false; ///< -f: no confirmation prompts
    bool json = false;  ///< --json: machine-readable output
    /// Ask "--y/[N]>" on the terminal unless -f; false when declined or no tty.
    bool confirm(std::string_view question);

private:
    Config m_config;
    std::istream& m_in;
    std::ostream& m_out;
    std::ostream& m_err;
    bool m_interactive = false;
    std::ostream* m_terminal = nullptr;
    std::function<void()> m_flush_output;
    std::optional<db::Session> m_session;
    std::optional<engine::ZoneEngine> m_zones;
    std::optional<engine::ZiEngine> m_zis;
    std::map<char, std::string> m_switches;
};

using Args = std::span<const std::string>;

struct Command {
    std::string_view name;
    std::string_view args;    ///< synopsis of the arguments, e.g. "<domain> [zi-id]"
    std::string_view summary; ///< one line for `help`
    int min_args = 0;
    int max_args = 0;                ///< -1: no limit
    std::string_view switches;       ///< single-letter flags accepted, e.g. "fv"
    std::string_view value_switches; ///< switches taking a value, e.g. "rgz"
    std::function<ExitStatus(Context&, Args)> run;
};

/// Every zone_tool command, in help order. Built explicitly (no self-registration).
const std::vector<Command>& command_table();
const Command* find_command(std::string_view name);

/// Run one command line (already split into words, command first) from command_table().
ExitStatus run_command(Context& ctx, const std::vector<std::string>& words);
/// Run `cmd` with `args` (the words after its name): switches and argument count are
/// checked, then cmd.run. Whatever it throws is reported on ctx.err() as
/// "zone_tool: <command>: <what>": a dms::Error with its exit status, any other
/// exception with ExitStatus::software; nothing propagates. Output that could not be
/// written (see ctx.out()) makes a successful command ExitStatus::io_err.
ExitStatus run_command(Context& ctx, const Command& cmd, std::vector<std::string> args);

/// The whole program: global options, then one command. `args` excludes argv[0].
/// Without a command, commands are read from `in` one per line, or, when
/// `interactive`, from an editing prompt on the terminal. Ignores SIGPIPE for the
/// whole process: writes to a closed pipe fail with EPIPE instead. Never throws:
/// errors are reported on `err` and give a sysexits status (ExitStatus::software for
/// an exception that is not a dms::Error).
int main_entry(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
               std::ostream& err, bool interactive);
/// As above with no input (tests, one-shot use).
int main_entry(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// Split a command line into words; '...' and "..." quote, backslash escapes.
std::vector<std::string> split_command_line(std::string_view line);
/// Run commands one per line ('#' comments, exit/quit stop); the last failure's status.
ExitStatus run_script(Context& ctx, std::istream& in);
/// The interactive prompt: output of each command goes to `buffer`, then to
/// `real_out` through the pager when it is long.
ExitStatus run_interactive(Context& ctx, std::ostringstream& buffer, std::ostream& real_out);

// Command groups, each in its own file; command_table() concatenates them.
void add_general_commands(std::vector<Command>& table);
void add_db_commands(std::vector<Command>& table);
void add_zone_commands(std::vector<Command>& table);
void add_zone_change_commands(std::vector<Command>& table);
void add_edit_commands(std::vector<Command>& table);
void add_reference_commands(std::vector<Command>& table);
void add_sectag_commands(std::vector<Command>& table);
void add_zone_cfg_commands(std::vector<Command>& table);
void add_server_commands(std::vector<Command>& table);
void add_server_sm_commands(std::vector<Command>& table);
void add_event_commands(std::vector<Command>& table);
void add_master_commands(std::vector<Command>& table);
void add_dnssec_commands(std::vector<Command>& table);
void add_vacuum_commands(std::vector<Command>& table);

} // namespace dms::zone_tool
