// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/zone_tool/cli.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <ostream>
#include <poll.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/version.hpp"

#include "terminal.hpp"

namespace po = boost::program_options;

namespace dms::zone_tool {
namespace {

constexpr std::string_view usage_text =
    "usage: zone_tool [-c FILE] [--version] [--help] COMMAND [ARGS...]\n"
    "\n"
    "  -c, --config FILE   configuration file (default $DMS_CONFIG, then /etc/dms/dms.conf)\n"
    "  -V, --version       print the version (reads no configuration, no database)\n"
    "  -h, --help          this text and the list of commands\n"
    "\n"
    "`zone_tool help COMMAND` describes one command.\n";

void print_commands(std::ostream& out) {
    out << "\ncommands:\n";
    for (const auto& c : command_table()) {
        fmt::print(out, "  {:<16} {}\n", c.name, c.summary);
    }
}

/// Split leading switches ("-f", "-fv", "-r ref", "-rref", "--json") off a command's
/// words.
std::optional<std::string> take_switches(Context& ctx, const Command& cmd,
                                         std::vector<std::string>& args) {
    std::map<char, std::string> found;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a == "--json") {
            ctx.json = true;
            continue;
        }
        if (a.size() < 2 || a[0] != '-' || (a[1] >= '0' && a[1] <= '9')) {
            break;
        }
        for (std::size_t k = 1; k < a.size(); ++k) {
            const char c = a[k];
            if (cmd.value_switches.find(c) != std::string_view::npos) {
                if (k + 1 < a.size()) {
                    found[c] = a.substr(k + 1);
                } else if (i + 1 < args.size()) {
                    found[c] = args[++i];
                } else {
                    return fmt::format("{}: switch -{} needs a value", cmd.name, c);
                }
                break;
            }
            if (cmd.switches.find(c) == std::string_view::npos) {
                return fmt::format("{}: unknown switch -{}", cmd.name, c);
            }
            found[c] = "";
            if (c == 'f') {
                ctx.force = true;
            }
        }
    }
    args.erase(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
    ctx.set_switches(std::move(found));
    return std::nullopt;
}

/// Whether `fd` is a pipe or socket whose reader has gone (poll says POLLERR).
bool reader_gone(int fd) {
    pollfd p{fd, POLLOUT, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

/// After a command: whether its output was written. A reader that went away (a
/// closed pipe: `zone_tool ls | head -1`, SIGPIPE being ignored) ends it quietly, as
/// SIGPIPE would have; another write error is reported. Either makes an otherwise
/// successful command fail with EX_IOERR. The stream is usable again afterwards, so
/// the next command's writes are tried (and judged) afresh.
ExitStatus check_output(Context& ctx, std::string_view command, ExitStatus status) {
    auto& out = ctx.out();
    bool failed = out.fail();
    // A failed stream skips the flush: clear it first, so the flush tries what is
    // still buffered, and errno says why it fails (0 if it had nothing to write).
    out.clear();
    errno = 0;
    out.flush();
    const int e = errno;
    failed = failed || out.fail();
    out.clear();
    if (!failed) {
        return status;
    }
    // The output that fails is zone_tool's stdout (an ostringstream cannot); stdio
    // drops what it could not write, so errno of the first failure may be gone.
    if (e != EPIPE && !reader_gone(STDOUT_FILENO)) {
        fmt::print(ctx.err(), "zone_tool: {}: cannot write the output{}{}\n", command,
                   e != 0 ? ": " : "", e != 0 ? std::strerror(e) : "");
    }
    return status == ExitStatus::ok ? ExitStatus::io_err : status;
}

} // namespace

db::Session& Context::session() {
    if (!m_session) {
        m_session.emplace(db::Session::open(m_config.db));
    }
    return *m_session;
}

void Context::close_session() {
    m_zones.reset();
    m_zis.reset();
    m_session.reset();
}

engine::ZoneEngine& Context::zones() {
    if (!m_zones) {
        m_zones.emplace(session(), m_config, engine::local_caller());
    }
    return *m_zones;
}

engine::ZiEngine& Context::zis() {
    if (!m_zis) {
        m_zis.emplace(session(), m_config, engine::local_caller());
    }
    return *m_zis;
}

std::string Context::option(char c) const {
    auto it = m_switches.find(c);
    return it == m_switches.end() ? std::string() : it->second;
}

std::optional<std::string> Context::ask(std::string_view question) {
    if (m_flush_output) {
        m_flush_output();
    }
    auto& out = m_terminal != nullptr ? *m_terminal : m_out;
    out << question;
    out.flush();
    // Ctrl-C while waiting is "no answer", not the end of zone_tool.
    const ScopedSigint sigint(ScopedSigint::Mode::interrupt);
    std::string answer;
    if (!std::getline(m_in, answer)) {
        // A later question may still be answered (after Ctrl-C; after Ctrl-D it sees
        // the end again).
        m_in.clear();
        clearerr(stdin);
        out << '\n';
        return std::nullopt;
    }
    return answer;
}

bool Context::confirm(std::string_view question) {
    if (force) {
        return true;
    }
    if (!m_interactive) {
        fmt::print(m_err, "zone_tool: {}: not confirmed (no terminal; use -f)\n", question);
        return false;
    }
    const auto answer = ask(fmt::format("{}\n--y/[N]> ", question)).value_or("");
    return answer == "y" || answer == "Y" || answer == "yes";
}

const std::vector<Command>& command_table() {
    static const std::vector<Command> table = [] {
        std::vector<Command> t;
        add_general_commands(t);
        add_zone_commands(t);
        add_zone_change_commands(t);
        add_edit_commands(t);
        add_reference_commands(t);
        add_sectag_commands(t);
        add_zone_cfg_commands(t);
        add_server_commands(t);
        add_server_sm_commands(t);
        add_event_commands(t);
        add_master_commands(t);
        add_dnssec_commands(t);
        add_vacuum_commands(t);
        add_db_commands(t);
        return t;
    }();
    return table;
}

const Command* find_command(std::string_view name) {
    const auto& t = command_table();
    auto it = std::find_if(t.begin(), t.end(), [&](const Command& c) { return c.name == name; });
    return it == t.end() ? nullptr : &*it;
}

ExitStatus run_command(Context& ctx, const std::vector<std::string>& words) {
    if (words.empty()) {
        return ExitStatus::ok;
    }
    const auto* cmd = find_command(words.front());
    if (cmd == nullptr) {
        fmt::print(ctx.err(), "zone_tool: unknown command '{}' (try 'zone_tool help')\n",
                   words.front());
        return ExitStatus::usage;
    }
    return run_command(ctx, *cmd, std::vector<std::string>(words.begin() + 1, words.end()));
}

ExitStatus run_command(Context& ctx, const Command& cmd, std::vector<std::string> args) {
    if (auto problem = take_switches(ctx, cmd, args)) {
        fmt::print(ctx.err(), "zone_tool: {}\nusage: {} {}\n", *problem, cmd.name, cmd.args);
        return ExitStatus::usage;
    }
    const int n = static_cast<int>(args.size());
    if (n < cmd.min_args || (cmd.max_args >= 0 && n > cmd.max_args)) {
        fmt::print(ctx.err(), "zone_tool: {}: wrong number of arguments\nusage: {} {}\n", cmd.name,
                   cmd.name, cmd.args);
        return ExitStatus::usage;
    }
    ExitStatus status = ExitStatus::ok;
    // Whatever a command throws ends that command only: the shell goes on with the
    // next one. Only dms::Error is expected; anything else is a fault of zone_tool.
    try {
        status = cmd.run(ctx, args);
    } catch (const Error& e) {
        fmt::print(ctx.err(), "zone_tool: {}: {}\n", cmd.name, e.what());
        status = e.exit_status();
    } catch (const std::exception& e) {
        fmt::print(ctx.err(), "zone_tool: {}: {}\n", cmd.name, e.what());
        status = ExitStatus::software;
    } catch (...) {
        fmt::print(ctx.err(), "zone_tool: {}: unknown exception\n", cmd.name);
        status = ExitStatus::software;
    }
    return check_output(ctx, cmd.name, status);
}

int main_entry(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::istringstream none;
    return main_entry(args, none, out, err, false);
}

int main_entry(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
               std::ostream& err, bool interactive) {
    // Output to a reader that went away (a pager quit early, `| head`) is a write that
    // fails with EPIPE, which the command's output check reports, not a signal that
    // ends zone_tool, or its shell, in the middle of a command.
    std::signal(SIGPIPE, SIG_IGN);
    // Global options stop at the first word that is not an option: the command.
    std::size_t split = 0;
    while (split < args.size() && args[split].starts_with("-")) {
        if (args[split] == "-c" || args[split] == "--config") {
            ++split;
        }
        ++split;
    }
    split = std::min(split, args.size());
    const std::vector<std::string> globals(args.begin(),
                                           args.begin() + static_cast<std::ptrdiff_t>(split));
    const std::vector<std::string> words(args.begin() + static_cast<std::ptrdiff_t>(split),
                                         args.end());

    po::options_description desc;
    desc.add_options()("config,c", po::value<std::string>())("version,V", "")("help,h", "");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(globals).options(desc).run(), vm);
    } catch (const po::error& e) {
        fmt::print(err, "zone_tool: {}\n{}", e.what(), usage_text);
        return to_int(ExitStatus::usage);
    }
    std::optional<std::string> config_path;
    if (vm.count("config") != 0U) {
        config_path = vm["config"].as<std::string>();
    }
    if (vm.count("help") != 0U) {
        out << usage_text;
        print_commands(out);
        return 0;
    }
    // Before the configuration is read: a package check or an operator asking which
    // dms this is needs no database (create_db and dmsd --check report the schema).
    if (vm.count("version") != 0U) {
        fmt::print(out, "zone_tool (dms) {}\n", version());
        return 0;
    }
    try {
        auto cfg = load_config(Program::zone_tool, config_path);
        log::configure(cfg.log);
        log_config_notices(cfg);
        if (words.empty() && interactive) {
            std::ostringstream buffer;
            Context ctx(std::move(cfg), in, buffer, err, true);
            return to_int(run_interactive(ctx, buffer, out));
        }
        // Commands read from a pipe cannot be asked anything.
        Context ctx(std::move(cfg), in, out, err, interactive && !words.empty());
        if (words.empty()) {
            return to_int(run_script(ctx, in));
        }
        return to_int(run_command(ctx, words));
    } catch (const Error& e) {
        fmt::print(err, "zone_tool: {}\n", e.what());
        return to_int(e.exit_status());
    } catch (const std::exception& e) {
        fmt::print(err, "zone_tool: {}\n", e.what());
        return to_int(ExitStatus::software);
    } catch (...) {
        fmt::print(err, "zone_tool: unknown exception\n");
        return to_int(ExitStatus::software);
    }
}

} // namespace dms::zone_tool
