// SPDX-License-Identifier: GPL-3.0-or-later
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/core/process.hpp"

namespace dms {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

/// No child of ours is left unreaped (running or zombie).
void expect_no_children() {
    int status = 0;
    errno = 0;
    const pid_t got = ::waitpid(-1, &status, WNOHANG);
    EXPECT_TRUE(got == 0 || (got < 0 && errno == ECHILD)) << "waitpid gave " << got;
    EXPECT_NE(got, 0) << "a child of the test is still running";
}

TEST(Process, ExitCodes) {
    const auto t = run_process({"true"});
    EXPECT_EQ(t.exit_code, 0);
    EXPECT_EQ(t.signal, 0);
    EXPECT_FALSE(t.timed_out);
    EXPECT_TRUE(t.ok());
    const auto f = run_process({"false"});
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_FALSE(f.ok());
    EXPECT_EQ(run_process({"sh", "-c", "exit 42"}).exit_code, 42);
    expect_no_children();
}

TEST(Process, CapturesStdoutAndStderrSeparately) {
    const auto r = run_process({"sh", "-c", "echo out; echo err >&2; echo more"});
    EXPECT_EQ(r.out, "out\nmore\n");
    EXPECT_EQ(r.err, "err\n");
    EXPECT_FALSE(r.truncated);
}

TEST(Process, ArgumentsAreNotInterpretedByAShell) {
    const auto r = run_process({"printf", "%s|", "a b", "$HOME", "'q'", "*"});
    EXPECT_EQ(r.out, "a b|$HOME|'q'|*|");
}

TEST(Process, FeedsStdin) {
    RunOptions o;
    o.stdin_text = "line one\nline two\n";
    EXPECT_EQ(run_process({"cat"}, o).out, o.stdin_text);
    // No stdin text: the child sees EOF at once rather than waiting for input.
    EXPECT_EQ(run_process({"cat"}).out, "");
}

TEST(Process, LargeOutputAndInputBeyondThePipeBuffer) {
    const auto r = run_process({"head", "-c", "1048576", "/dev/zero"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.size(), 1048576U);
    // Both directions at once: cat writes while we still write its input.
    RunOptions o;
    o.stdin_text.reserve(3 << 20);
    for (int i = 0; o.stdin_text.size() < (3U << 20); ++i) {
        o.stdin_text += std::to_string(i) + '\n';
    }
    const auto c = run_process({"cat"}, o);
    EXPECT_EQ(c.exit_code, 0);
    EXPECT_TRUE(c.out == o.stdin_text) << c.out.size() << " bytes back of " << o.stdin_text.size();
}

TEST(Process, ChildThatIgnoresStdinDoesNotKillUsWithSigpipe) {
    RunOptions o;
    o.stdin_text.assign(4 << 20, 'x');
    const auto r = run_process({"true"}, o);
    EXPECT_EQ(r.exit_code, 0);
}

TEST(Process, OutputBeyondTheCapIsDropped) {
    RunOptions o;
    o.max_output = 1000;
    const auto r = run_process({"head", "-c", "100000", "/dev/zero"}, o);
    EXPECT_EQ(r.exit_code, 0); // it was read to the end, so the child was not blocked
    EXPECT_EQ(r.out.size(), 1000U);
    EXPECT_TRUE(r.truncated);
}

TEST(Process, TimeoutKillsTheChild) {
    RunOptions o;
    o.timeout = 300ms;
    const auto r = run_process({"sleep", "10"}, o);
    EXPECT_TRUE(r.timed_out);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.exit_code, -1);
    EXPECT_EQ(r.signal, SIGTERM);
    EXPECT_GE(r.elapsed, 300ms);
    expect_no_children();
}

TEST(Process, TimeoutEscalatesToSigkillForTheWholeGroup) {
    RunOptions o;
    o.timeout = 200ms;
    o.kill_grace = 300ms;
    // The shell and its sleep both ignore SIGTERM; the sleep keeps stdout open.
    const auto r = run_process({"sh", "-c", "trap '' TERM; sleep 10; echo late"}, o);
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_GE(r.elapsed, 500ms);
    EXPECT_EQ(r.out, "");
    expect_no_children();
}

TEST(Process, MissingProgramGives127AndTheReason) {
    const auto r = run_process({"dms-no-such-program-xyz", "arg"});
    EXPECT_EQ(r.exit_code, 127);
    EXPECT_THAT(r.err, HasSubstr("dms-no-such-program-xyz"));
    EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
    // A file without execute permission (refused even to root).
    const auto file =
        std::filesystem::temp_directory_path() / ("dms-process-test-" + std::to_string(::getpid()));
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ::close(fd);
    const auto p = run_process({file.string()});
    std::filesystem::remove(file);
    EXPECT_EQ(p.exit_code, 127);
    EXPECT_THAT(p.err, HasSubstr("Permission denied"));
    expect_no_children();
}

TEST(Process, DeathBySignal) {
    const auto r = run_process({"sh", "-c", "kill -9 $$"});
    EXPECT_EQ(r.exit_code, -1);
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_FALSE(r.timed_out);
    expect_no_children();
}

TEST(Process, ExtraEnvironment) {
    RunOptions o;
    o.extra_env = {"DMS_PROCESS_TEST=hello world", "HOME=/nonexistent-home"};
    const auto r = run_process({"sh", "-c", "echo \"$DMS_PROCESS_TEST|$HOME|${PATH:+path}\""}, o);
    EXPECT_EQ(r.out, "hello world|/nonexistent-home|path\n");
}

TEST(Process, WorkingDirectory) {
    const auto dir = std::filesystem::canonical(std::filesystem::temp_directory_path());
    RunOptions o;
    o.cwd = dir.string();
    EXPECT_EQ(run_process({"pwd", "-P"}, o).out, dir.string() + "\n");
    o.cwd = "/nonexistent/dms-dir";
    const auto bad = run_process({"pwd"}, o);
    EXPECT_EQ(bad.exit_code, 127);
    EXPECT_THAT(bad.err, HasSubstr("/nonexistent/dms-dir"));
}

TEST(Process, OnlyStdioReachesTheChild) {
    const int fd = ::open("/dev/null", O_RDONLY); // deliberately without O_CLOEXEC
    ASSERT_GE(fd, 3);
    const auto path = "/dev/fd/" + std::to_string(fd);
    EXPECT_EQ(run_process({"test", "-e", path}).exit_code, 1);
    EXPECT_EQ(run_process({"test", "-e", "/dev/fd/2"}).exit_code, 0);
    ::close(fd);
}

TEST(Process, ManyThreadsAtOnce) {
    std::vector<std::thread> threads;
    std::vector<std::string> outs(8);
    for (std::size_t i = 0; i < outs.size(); ++i) {
        threads.emplace_back([&outs, i] {
            for (int k = 0; k < 10; ++k) {
                RunOptions o;
                o.stdin_text = "t" + std::to_string(i) + "\n";
                outs[i] += run_process({"cat"}, o).out;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    for (std::size_t i = 0; i < outs.size(); ++i) {
        std::string want;
        for (int k = 0; k < 10; ++k) {
            want += "t" + std::to_string(i) + "\n";
        }
        EXPECT_EQ(outs[i], want);
    }
    expect_no_children();
}

TEST(Process, BadArgvThrows) {
    EXPECT_THROW(run_process({}), Error);
    EXPECT_THROW(run_process({std::string("a\0b", 3)}), Error);
}

/// Runs `fn` with our fd 1 (and, when `stdin_text` is given, fd 0) redirected to
/// files; returns what was written to fd 1 meanwhile.
std::string with_our_stdio(const std::function<void()>& fn,
                           const std::optional<std::string>& stdin_text = std::nullopt) {
    std::fflush(stdout);
    FILE* out = std::tmpfile();
    FILE* in = std::tmpfile();
    if (out == nullptr || in == nullptr) {
        ADD_FAILURE() << "tmpfile: " << std::strerror(errno);
        return {};
    }
    if (stdin_text) {
        std::fputs(stdin_text->c_str(), in);
        std::fflush(in);
        std::rewind(in);
    }
    const int saved_out = ::dup(STDOUT_FILENO);
    const int saved_in = ::dup(STDIN_FILENO);
    ::dup2(fileno(out), STDOUT_FILENO);
    if (stdin_text) {
        ::dup2(fileno(in), STDIN_FILENO);
    }
    fn();
    ::dup2(saved_out, STDOUT_FILENO);
    ::dup2(saved_in, STDIN_FILENO);
    ::close(saved_out);
    ::close(saved_in);
    std::string text;
    std::rewind(out);
    for (int c = 0; (c = std::fgetc(out)) != EOF;) {
        text += static_cast<char>(c);
    }
    std::fclose(out);
    std::fclose(in);
    return text;
}

TEST(ProcessOnTerminal, NoTimeLimitByDefault) {
    const auto o = RunOptions::on_terminal();
    EXPECT_EQ(o.stdio, StdioMode::terminal);
    EXPECT_LE(o.timeout.count(), 0);
    EXPECT_EQ(RunOptions{}.stdio, StdioMode::capture);
}

TEST(ProcessOnTerminal, TheChildHasOurStdoutAndStdin) {
    ProcessResult r;
    const auto seen = with_our_stdio(
        [&] {
            r = run_process({"sh", "-c", "echo to our stdout; cat"}, RunOptions::on_terminal());
        },
        "from our stdin\n");
    EXPECT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(seen, "to our stdout\nfrom our stdin\n");
    expect_no_children();
}

TEST(ProcessOnTerminal, StdinTextIsFedToThePager) {
    auto o = RunOptions::on_terminal();
    o.stdin_text = "page one\npage two\n";
    ProcessResult r;
    const auto seen = with_our_stdio([&] { r = run_process({"cat"}, o); }, "not this\n");
    EXPECT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(seen, o.stdin_text);
}

TEST(ProcessOnTerminal, APagerThatQuitsEarlyIsNoError) {
    // Several pipe buffers of text for a pager that takes one byte and quits (q in
    // less): the rest is dropped, and no SIGPIPE reaches us even where it is at its
    // default action.
    struct sigaction dfl {};
    struct sigaction old {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, &old);
    auto o = RunOptions::on_terminal();
    o.stdin_text.assign(4 << 20, 'x');
    ProcessResult r;
    const auto seen = with_our_stdio([&] { r = run_process({"head", "-c", "1"}, o); });
    sigaction(SIGPIPE, &old, nullptr);
    EXPECT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(seen, "x");
    expect_no_children();
}

TEST(ProcessOnTerminal, SignalsWeIgnoreOrBlockAreAtTheirDefaultsInTheChild) {
    // zone_tool ignores SIGINT while its editor runs, SIGPIPE always, and its shell
    // blocks SIGINT: the editor or pager must still get Ctrl-C.
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    std::array<struct sigaction, 3> old{};
    const std::array<int, 3> sigs{SIGINT, SIGQUIT, SIGPIPE};
    for (std::size_t i = 0; i < sigs.size(); ++i) {
        sigaction(sigs[i], &ign, &old[i]);
    }
    sigset_t block;
    sigset_t old_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old_mask);
    std::array<int, 3> got{};
    for (std::size_t i = 0; i < sigs.size(); ++i) {
        got[i] = run_process({"sh", "-c", "kill -" + std::to_string(sigs[i]) + " $$; exit 3"},
                             RunOptions::on_terminal())
                     .signal;
    }
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    for (std::size_t i = 0; i < sigs.size(); ++i) {
        sigaction(sigs[i], &old[i], nullptr);
        EXPECT_EQ(got[i], sigs[i]) << "signal " << sigs[i];
    }
}

TEST(ProcessOnTerminal, TheChildStaysInOurProcessGroup) {
    // The terminal's foreground group: a background group reading the keyboard would
    // be stopped (SIGTTIN). Field 5 of /proc/<pid>/stat is the process group.
    const auto field5 = [](const std::string& stat) {
        std::istringstream words(stat.substr(stat.rfind(')') + 2));
        std::string w;
        for (int i = 0; i < 3 && words >> w; ++i) {
        }
        return w;
    };
    const auto ours = std::to_string(::getpgrp());
    const auto seen = with_our_stdio([&] {
        run_process({"cat", "/proc/self/stat"}, RunOptions::on_terminal());
    });
    EXPECT_EQ(field5(seen), ours) << seen;
    // Captured programs get their own (a timeout kills their children too).
    const auto captured = run_process({"cat", "/proc/self/stat"});
    EXPECT_NE(field5(captured.out), ours) << captured.out;
}

TEST(ProcessOnTerminal, AProgramThatCannotStartSaysWhy) {
    const auto r = run_process({"dms-no-such-editor-xyz"}, RunOptions::on_terminal());
    EXPECT_TRUE(r.not_started);
    EXPECT_EQ(r.exit_code, 127);
    EXPECT_THAT(r.err, HasSubstr("dms-no-such-editor-xyz"));
    // A program that exits 127 by itself was started.
    const auto s = run_process({"sh", "-c", "exit 127"}, RunOptions::on_terminal());
    EXPECT_FALSE(s.not_started);
    EXPECT_EQ(s.exit_code, 127);
    EXPECT_FALSE(run_process({"true"}).not_started);
}

TEST(ProcessOnTerminal, ATimeoutStillAppliesWhenGiven) {
    auto o = RunOptions::on_terminal();
    o.timeout = 200ms;
    const auto r = run_process({"sleep", "10"}, o);
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.signal, SIGTERM);
    expect_no_children();
}

TEST(ProcessDescribe, NamesProgramAndFirstArgumentOnly) {
    ProcessResult r;
    r.exit_code = 1;
    r.err = "\n  rndc: connect failed: 127.0.0.1#953: connection refused\nsecond line\n";
    EXPECT_EQ(describe_failure({"/usr/sbin/rndc", "reconfig", "secret"}, r),
              "rndc reconfig: exit 1: rndc: connect failed: 127.0.0.1#953: connection refused");
    r.err.clear();
    r.out = "zone example.org/IN: has no NS records\n";
    EXPECT_EQ(describe_failure({"named-checkzone", "example.org", "f"}, r),
              "named-checkzone example.org: exit 1: zone example.org/IN: has no NS records");
    r.out.clear();
    EXPECT_EQ(describe_failure({"false"}, r), "false: exit 1");

    ProcessResult t;
    t.timed_out = true;
    t.timeout = 30s;
    EXPECT_EQ(describe_failure({"rsync", "-a", "x"}, t), "rsync -a: timed out after 30 s");
    t.timeout = 1500ms;
    EXPECT_EQ(describe_failure({"rsync"}, t), "rsync: timed out after 1.5 s");

    const auto k = run_process({"sh", "-c", "kill -9 $$"});
    EXPECT_EQ(describe_failure({"sh", "-c", "kill -9 $$"}, k), "sh -c: killed by signal 9 (KILL)");
    const auto m = run_process({"dms-no-such-program-xyz"});
    EXPECT_THAT(describe_failure({"dms-no-such-program-xyz"}, m),
                HasSubstr("dms-no-such-program-xyz: exit 127: cannot run"));
}

} // namespace
} // namespace dms
