// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Running external programs (rndc, rsync, named-checkzone, dnssec-*, pg_dump):
// always an argv vector, never a shell string; a timeout; stdout and stderr captured;
// optional stdin text. Or a program for the operator (editor, pager) on our terminal:
// StdioMode::terminal, see RunOptions::on_terminal().
//
// Contract: the child gets its own process group (StdioMode::capture; a terminal
// program stays in ours, the terminal's foreground group, so that it may read the
// keyboard and gets Ctrl-C); on timeout the child (and its group) gets SIGTERM and,
// after `kill_grace`, SIGKILL. The child is always reaped before run_process returns
// or throws, so no zombie is left. Only fds 0, 1 and 2 reach the child. It starts
// with every signal at its default action and none blocked, whatever this process
// ignores or blocks (SIGINT, SIGQUIT, SIGPIPE included).
// A program that cannot be started (not found, not executable, bad cwd) is a result
// with exit code 127 and the reason in `err`, like a shell would report it; only
// failures of this process itself (no fds or memory left) throw.
//
// Thread safety: run_process keeps no global state and may run in many threads at
// once. It reads `environ`, so no thread may call setenv() meanwhile. SIGPIPE is
// blocked in the calling thread while stdin is written, never process-wide.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dms {

/// Where a child's stdin, stdout and stderr are.
enum class StdioMode {
    capture,  ///< pipes: stdin from RunOptions::stdin_text, stdout and stderr captured
    terminal, ///< ours (the operator's terminal), nothing captured; stdin from
              ///< RunOptions::stdin_text instead when that is not empty (a pager)
};

struct RunOptions {
    /// An editor or pager for the operator: our stdin, stdout and stderr, no time limit.
    static RunOptions on_terminal() {
        RunOptions o;
        o.stdio = StdioMode::terminal;
        o.timeout = std::chrono::milliseconds{0};
        return o;
    }

    /// Captured (the default) or the terminal.
    StdioMode stdio = StdioMode::capture;
    /// Wall-clock limit from start to exit; zero or negative: no limit.
    std::chrono::milliseconds timeout{30000};
    /// Time between SIGTERM and SIGKILL once the timeout has passed.
    std::chrono::milliseconds kill_grace{2000};
    /// Written to the child's stdin, which is then closed (empty: EOF at once, or with
    /// StdioMode::terminal our own stdin). A child that exits or closes its stdin
    /// before reading it all is no error: the rest is dropped.
    std::string stdin_text;
    /// Working directory of the child; none: ours.
    std::optional<std::string> cwd;
    /// "KEY=VALUE" entries added to (or replacing those of) our environment. The
    /// program itself is looked up in our PATH, not in a PATH given here.
    std::vector<std::string> extra_env;
    /// Most bytes kept of stdout and of stderr each; the rest is read and dropped.
    std::size_t max_output = std::size_t{16} << 20;
};

struct ProcessResult {
    int exit_code = -1;       ///< exit status; -1 if killed by a signal; 127 if not started
    int signal = 0;           ///< the signal that ended the child, 0 if it exited
    bool timed_out = false;   ///< we killed it because `timeout` passed
    bool truncated = false;   ///< stdout or stderr went beyond `max_output`
    bool not_started = false; ///< could not be started (exit code 127, the reason in `err`)
    std::string out;          ///< captured stdout (empty with StdioMode::terminal)
    std::string err;          ///< captured stderr (or why the program could not run; with
                              ///< StdioMode::terminal only that)
    std::chrono::milliseconds elapsed{0}; ///< start to reaped
    std::chrono::milliseconds timeout{0}; ///< the limit that applied

    /// Exited by itself with status 0.
    bool ok() const { return exit_code == 0 && !timed_out; }
};

/// Run `argv[0]` (looked up in PATH unless it contains '/') with arguments `argv`,
/// wait for it to end or the timeout to pass, and return what happened.
/// @param argv program and arguments; not interpreted by any shell
/// @param options timeout, stdin text, working directory, environment, output cap
/// @returns exit code or signal, captured output, timing; exit code 127 if the
///          program could not be started
/// @throws dms::Error (ErrorCode::internal) if argv is empty or holds a NUL byte;
///         (ErrorCode::io) if pipes cannot be created (out of file descriptors)
ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

/// One line for logs and error text, naming only the program's basename and its
/// first argument (later arguments might carry secrets):
/// "rndc reconfig: exit 1: <first line of stderr>", "rsync -a: timed out after 30 s",
/// "sh -c: killed by signal 9 (KILL)". Uses stdout when stderr is empty (some tools,
/// named-checkzone among them, report there).
/// @param argv the argv given to run_process
/// @param result what run_process returned
/// @returns the description; never throws except std::bad_alloc
std::string describe_failure(const std::vector<std::string>& argv, const ProcessResult& result);

} // namespace dms
