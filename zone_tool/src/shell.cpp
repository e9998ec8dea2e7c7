// SPDX-License-Identifier: GPL-3.0-or-later
// The zone_tool shell: an interactive prompt with line editing, history and
// command completion (libedit) and a pager for long output, or commands read one
// per line from a pipe.
#include <cstdlib>
#include <cstring>
#include <editline/readline.h>
#include <iostream>
#include <spawn.h>
#include <sstream>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/zone_tool/cli.hpp"

extern char** environ; // NOLINT(readability-redundant-declaration)

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
                db::ZoneFilter f;
                f.patterns = {std::string(text) + "*"};
                for (const auto& z : g_ctx->zones().list_zones(f)) {
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

/// Show `text` through $PAGER (default less -REX) when it does not fit the screen.
void page(const std::string& text, std::ostream& out) {
    const auto lines = std::count(text.begin(), text.end(), '\n');
    if (isatty(STDOUT_FILENO) == 0 || lines < terminal_rows() - 1) {
        out << text;
        out.flush();
        return;
    }
    std::vector<std::string> argv;
    const char* pager = std::getenv("PAGER");
    std::istringstream words(pager != nullptr && *pager != '\0' ? pager : "less -REX");
    for (std::string w; words >> w;) {
        argv.push_back(w);
    }
    int fds[2];
    if (pipe(fds) != 0) {
        out << text;
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    std::vector<char*> cargv;
    for (auto& a : argv) {
        cargv.push_back(a.data());
    }
    cargv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        out << text;
        return;
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = write(fds[1], text.data() + done, text.size() - done);
        if (n <= 0) {
            break; // the reader quit early
        }
        done += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
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
    const auto hist = history_file();
    if (!hist.empty()) {
        read_history(hist.c_str());
    }
    while (true) {
        char* raw = readline("zone_tool > ");
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
        buffer.str({});
        buffer.clear();
        ctx.force = false;
        ctx.json = false;
        run_command(ctx, words);
        page(buffer.str(), real_out);
    }
    if (!hist.empty()) {
        write_history(hist.c_str());
    }
    return ExitStatus::ok;
}

} // namespace dms::zone_tool
