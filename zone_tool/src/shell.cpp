// SPDX-License-Identifier: GPL-3.0-or-later
// The zone_tool shell: an interactive prompt with line editing, history and
// command completion (libedit) and a pager for long output, or commands read one
// per line from a pipe.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <editline/readline.h>
#include <iostream>
#include <poll.h>
#include <sstream>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/core/process.hpp"
#include "dms/zone_tool/cli.hpp"

#include "terminal.hpp"

namespace dms::zone_tool {
namespace {

/// The shell's context, for completing zone names from the database.
Context* g_ctx = nullptr;
std::vector<std::string> g_zone_names;

/// libedit asks for completions one at a time: zone names after the command word.
char* complete_zone(const char* text, int state) {
    static std::size_t index = 0;
    if (state == 0) {
        index = 0;
        g_zone_names.clear();
        if (g_ctx != nullptr) {
            try {
                // A session of its own: the shell keeps none open (commands run in a
                // child process, see run_interactive).
                auto session = db::Session::open(g_ctx->config().db);
                engine::ZoneEngine zones(session, g_ctx->config(), engine::local_caller());
                db::ZoneFilter f;
                f.patterns = {std::string(text) + "*"};
                for (const auto& z : zones.list_zones(f)) {
                    g_zone_names.push_back(z.name);
                }
            } catch (const Error&) {
                // No database: nothing to complete.
            }
        }
    }
    if (index < g_zone_names.size()) {
        return strdup(g_zone_names[index++].c_str()); // NOLINT: freed by libedit
    }
    return nullptr;
}

/// libedit asks for completions one at a time.
char* complete_command(const char* text, int state) {
    static std::size_t index = 0;
    if (state == 0) {
        index = 0;
    }
    const auto& table = command_table();
    const std::string_view prefix(text);
    while (index < table.size()) {
        const auto& name = table[index++].name;
        if (name.starts_with(prefix)) {
            return strdup(std::string(name).c_str()); // NOLINT: freed by libedit
        }
    }
    return nullptr;
}

char** completion(const char* text, int start, int /*end*/) {
    rl_attempted_completion_over = 1;
    // Command names in the first word, zone names after it.
    return rl_completion_matches(text, start == 0 ? complete_command : complete_zone);
}

int terminal_rows() {
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
        return ws.ws_row;
    }
    return 24;
}

/// Show `text` through $PAGER (default less -REXK: Ctrl-C quits it) when it does not
/// fit the screen. Ctrl-C belongs to the pager while it runs. A pager that quits before
/// the end (q in less) is no error: the rest is dropped. One that cannot be started
/// leaves the text printed as it is.
void page(std::string text, std::ostream& out) {
    const auto lines = std::count(text.begin(), text.end(), '\n');
    if (isatty(STDOUT_FILENO) == 0 || lines < terminal_rows() - 1) {
        out << text;
        out.flush();
        return;
    }
    out.flush();
    std::vector<std::string> argv;
    const char* pager = std::getenv("PAGER");
    std::istringstream words(pager != nullptr && *pager != '\0' ? pager : "less -REXK");
    for (std::string w; words >> w;) {
        argv.push_back(w);
    }
    bool shown = false;
    if (!argv.empty()) {
        const ScopedSigint ignore(ScopedSigint::Mode::ignore);
        auto options = RunOptions::on_terminal();
        options.stdin_text = std::move(text);
        try {
            shown = !run_process(argv, options).not_started;
        } catch (const Error&) {
            // No pipe for it (out of file descriptors): print it ourselves.
        }
        text = std::move(options.stdin_text);
    }
    if (!shown) {
        out << text;
        out.flush();
    }
}

/// Run one command line in a child process, so that Ctrl-C (SIGINT to the terminal's
/// foreground group) ends the command and its pager, never the shell, which ignores it
/// meanwhile. A database transaction cut short this way rolls back with the child's
/// connection. The shell holds no database connection the child could share.
void run_in_child(Context& ctx, const std::vector<std::string>& words, std::ostringstream& buffer,
                  std::ostream& real_out) {
    real_out.flush();
    std::cout.flush();
    std::cerr.flush();
    const ScopedSigint ignore(ScopedSigint::Mode::ignore);
    const pid_t pid = fork();
    if (pid < 0) {
        fmt::print(std::cerr, "zone_tool: cannot start {}: {}\n", words.front(),
                   std::strerror(errno));
        return;
    }
    if (pid == 0) {
        std::signal(SIGINT, SIG_DFL);
        sigset_t sigint;
        sigemptyset(&sigint);
        sigaddset(&sigint, SIGINT);
        sigprocmask(SIG_UNBLOCK, &sigint, nullptr);
        int status = 0;
        try {
            buffer.str({});
            buffer.clear();
            ctx.force = false;
            ctx.json = false;
            status = to_int(run_command(ctx, words));
            page(buffer.str(), real_out);
            ctx.close_session();
        } catch (const std::exception& e) {
            fmt::print(std::cerr, "zone_tool: {}: {}\n", words.front(), e.what());
            status = to_int(ExitStatus::software);
        } catch (...) {
            fmt::print(std::cerr, "zone_tool: {}: unknown exception\n", words.front());
            status = to_int(ExitStatus::software);
        }
        real_out.flush();
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        _exit(status); // no destructors: they belong to the shell
    }
    const int status = wait_for(pid);
    if (WIFSIGNALED(status)) {
        // Ctrl-C (or another signal) ended the command; the prompt comes on a new line.
        real_out << (WTERMSIG(status) == SIGINT ? "\n" : "zone_tool: command killed\n");
        real_out.flush();
    }
}

/// SIGINT is blocked in the shell except while it waits for a key: a Ctrl-C typed
/// before readline is reading (type-ahead) is then delivered there, not lost.
sigset_t g_waiting_mask;
/// The terminal's interrupt character (Ctrl-C): libedit's editing mode may read it as a
/// key instead of letting the terminal turn it into SIGINT.
int g_intr_char = 3;

/// readline's key reader: a key, or EOF when Ctrl-C was pressed (interrupted()).
int read_key(FILE* in) {
    const int fd = fileno(in);
    while (!interrupted()) {
        pollfd p{fd, POLLIN, 0};
        if (ppoll(&p, 1, nullptr, &g_waiting_mask) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return EOF;
        }
        unsigned char c = 0;
        const auto n = read(fd, &c, 1);
        if (n == 1 && c == g_intr_char) {
            raise(SIGINT); // recorded when it is unblocked in ppoll: the loop ends
            continue;
        }
        if (n == 1) {
            return c;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return EOF;
    }
    return EOF;
}

std::string history_file() {
    const char* home = std::getenv("HOME");
    return home != nullptr ? std::string(home) + "/.zone_tool_history" : std::string();
}

} // namespace

std::vector<std::string> split_command_line(std::string_view line) {
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            } else {
                cur += c;
            }
        } else if (c == '"' || c == '\'') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < line.size()) {
            cur += line[++i];
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (in_word) {
                words.push_back(std::move(cur));
                cur.clear();
                in_word = false;
            }
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (in_word) {
        words.push_back(std::move(cur));
    }
    return words;
}

ExitStatus run_script(Context& ctx, std::istream& in) {
    ExitStatus last_failure = ExitStatus::ok;
    for (std::string line; std::getline(in, line);) {
        const auto words = split_command_line(line);
        if (words.empty() || words.front().starts_with('#')) {
            continue;
        }
        if (words.front() == "exit" || words.front() == "quit" || words.front() == "EOF") {
            break;
        }
        if (const auto st = run_command(ctx, words); st != ExitStatus::ok) {
            last_failure = st;
        }
    }
    return last_failure;
}

ExitStatus run_interactive(Context& ctx, std::ostringstream& buffer, std::ostream& real_out) {
    rl_attempted_completion_function = completion;
    g_ctx = &ctx;
    // A command's questions (edit_zone, confirmations) appear after what it printed.
    ctx.set_terminal(real_out, [&] {
        real_out << buffer.str();
        real_out.flush();
        buffer.str({});
        buffer.clear();
    });
    // Ctrl-C at the prompt ends readline (read_key) and is recorded: the line is
    // dropped and a new prompt shown. libedit's own signal handling stays off.
    // Set before the first libedit call (read_history initialises it).
    const ScopedSigint sigint(ScopedSigint::Mode::interrupt);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &g_waiting_mask);
    sigdelset(&g_waiting_mask, SIGINT);
    rl_catch_signals = 0;
    rl_getc_function = read_key;
    if (termios t{}; tcgetattr(STDIN_FILENO, &t) == 0 && t.c_cc[VINTR] != _POSIX_VDISABLE) {
        g_intr_char = t.c_cc[VINTR];
    }
    const auto hist = history_file();
    if (!hist.empty()) {
        read_history(hist.c_str());
    }
    while (true) {
        clear_interrupted();
        char* raw = readline("zone_tool > ");
        if (interrupted()) {
            free(raw); // NOLINT(cppcoreguidelines-no-malloc): readline allocates with malloc
            real_out << '\n';
            real_out.flush();
            continue;
        }
        if (raw == nullptr) { // Ctrl-D
            real_out << '\n';
            break;
        }
        const std::string line(raw);
        free(raw); // NOLINT(cppcoreguidelines-no-malloc): readline allocates with malloc
        const auto words = split_command_line(line);
        if (words.empty()) {
            continue;
        }
        add_history(line.c_str());
        if (words.front() == "exit" || words.front() == "quit" || words.front() == "EOF") {
            break;
        }
        run_in_child(ctx, words, buffer, real_out);
    }
    sigprocmask(SIG_UNBLOCK, &block, nullptr);
    if (!hist.empty()) {
        write_history(hist.c_str());
    }
    return ExitStatus::ok;
}

} // namespace dms::zone_tool
