// SPDX-License-Identifier: GPL-3.0-or-later
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/core/version.hpp"
#include "dms/zone_tool/cli.hpp"

#include "temp_dir.hpp"
#include "zone_tool_runner.hpp"

namespace dms::zone_tool {
namespace {

class ZoneToolCli : public ::testing::Test {
protected:
    test::ToolResult run(const std::vector<std::string>& args) {
        return test::run_zone_tool(m_conf, args);
    }
    test::TempDir m_dir;
    // Port 1 on loopback: nothing listens, so the database is unreachable.
    std::string m_conf = m_dir.write(
        "dms.conf", "[DEFAULT]\ndb_host = 127.0.0.1\ndb_port = 1\ndb_connect_timeout = 2\n");
};

TEST_F(ZoneToolCli, VersionWorksWithoutDatabase) {
    const auto r = run({"--version"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("zone_tool (dms) " + std::string(version())), std::string::npos);
    // Nothing else: --version reads no configuration and asks no database.
    EXPECT_EQ(r.out, "zone_tool (dms) " + std::string(version()) + "\n");
    EXPECT_EQ(r.err, "");
}

TEST_F(ZoneToolCli, VersionNeedsNoConfigurationFile) {
    const auto r = test::run_zone_tool((m_dir.path() / "missing.conf").string(), {"--version"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "zone_tool (dms) " + std::string(version()) + "\n");
}

TEST_F(ZoneToolCli, HelpListsTheCommandTable) {
    const auto r = run({"--help"});
    EXPECT_EQ(r.status, 0);
    for (const auto& c : command_table()) {
        EXPECT_NE(r.out.find(std::string(c.name)), std::string::npos) << c.name;
    }
    const auto h = run({"help", "create_db"});
    EXPECT_EQ(h.status, 0);
    EXPECT_EQ(h.out.rfind("usage: create_db", 0), 0U) << h.out;
}

TEST_F(ZoneToolCli, CommandsFromAPipe) {
    std::istringstream in("# a comment\nhelp create_db\n\nfrobnicate\nhelp 'upgrade_db'\n");
    std::ostringstream out;
    std::ostringstream err;
    const int st = main_entry({"-c", m_conf}, in, out, err, false);
    EXPECT_EQ(st, 64); // the last failure: the unknown command
    EXPECT_NE(out.str().find("usage: create_db"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("usage: upgrade_db"), std::string::npos) << out.str();
    EXPECT_NE(err.str().find("unknown command 'frobnicate'"), std::string::npos);
    std::istringstream quit("help\nquit\nfrobnicate\n");
    EXPECT_EQ(main_entry({"-c", m_conf}, quit, out, err, false), 0);
}

TEST(ZoneToolShell, SplitsWordsWithQuotes) {
    EXPECT_EQ(split_command_line("  ls -v  'a b'\t\"c d\" e\\ f "),
              (std::vector<std::string>{"ls", "-v", "a b", "c d", "e f"}));
    EXPECT_TRUE(split_command_line("   ").empty());
}

TEST_F(ZoneToolCli, UsageErrorsExit64) {
    const auto unknown = run({"frobnicate"});
    EXPECT_EQ(unknown.status, 64);
    EXPECT_EQ(unknown.err, "zone_tool: unknown command 'frobnicate' (try 'zone_tool help')\n");
    const auto extra = run({"create_db", "surplus"});
    EXPECT_EQ(extra.status, 64);
    EXPECT_NE(extra.err.find("create_db: wrong number of arguments"), std::string::npos);
    const auto sw = run({"upgrade_db", "-x"});
    EXPECT_EQ(sw.status, 64);
    EXPECT_NE(sw.err.find("unknown switch -x"), std::string::npos);
    EXPECT_EQ(run({"--bogus"}).status, 64);
}

TEST_F(ZoneToolCli, UnreachableDatabaseIsUnavailable) {
    const auto r = run({"upgrade_db"});
    EXPECT_EQ(r.status, 69); // EX_UNAVAILABLE
    EXPECT_NE(r.err.find("cannot connect to dms@127.0.0.1:1/dms"), std::string::npos) << r.err;
}

TEST_F(ZoneToolCli, BadConfigIsExConfig) {
    m_conf = m_dir.write("bad.conf", "[DEFAULT]\ndb_prot = 5\n");
    const auto r = run({"upgrade_db"});
    EXPECT_EQ(r.status, 78); // EX_CONFIG
    EXPECT_EQ(r.err,
              "zone_tool: " + m_conf +
                  ":2: unknown option 'db_prot' in section [DEFAULT]; did you mean 'db_port'?\n");
}

/// A command table entry for the dispatch tests.
Command test_command(std::string_view name, std::function<ExitStatus(Context&, Args)> run) {
    return Command{name, "", "test", 0, 0, "", "", std::move(run)};
}

TEST_F(ZoneToolCli, AnyExceptionEndsTheCommandOnlyWithAStatus) {
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    Context ctx(load_config(Program::zone_tool, m_conf), in, out, err, false);
    const auto std_error = test_command(
        "std_error", [](Context&, Args) -> ExitStatus { throw std::runtime_error("kaput"); });
    const auto odd = test_command("odd", [](Context&, Args) -> ExitStatus { throw 42; });
    const auto dms_error = test_command(
        "dms_error", [](Context&, Args) -> ExitStatus { throw Error(ErrorCode::io, "disk gone"); });
    const auto fine = test_command("fine", [](Context& c, Args) {
        c.out() << "fine\n";
        return ExitStatus::ok;
    });

    EXPECT_EQ(run_command(ctx, std_error, {}), ExitStatus::software);
    EXPECT_EQ(err.str(), "zone_tool: std_error: kaput\n");
    err.str({});
    EXPECT_EQ(run_command(ctx, odd, {}), ExitStatus::software);
    EXPECT_EQ(err.str(), "zone_tool: odd: unknown exception\n");
    err.str({});
    EXPECT_EQ(run_command(ctx, dms_error, {}), ExitStatus::io_err);
    EXPECT_EQ(err.str(), "zone_tool: dms_error: disk gone\n");
    // The same context goes on with the next command.
    EXPECT_EQ(run_command(ctx, fine, {}), ExitStatus::ok);
    EXPECT_EQ(out.str(), "fine\n");
    // Arguments are still checked before the command runs.
    err.str({});
    EXPECT_EQ(run_command(ctx, std_error, {"surplus"}), ExitStatus::usage);
    EXPECT_NE(err.str().find("std_error: wrong number of arguments"), std::string::npos);
}

/// build/bin/zone_tool with `args`, its stdout `out_fd` and SIGPIPE at its default, as
/// a shell starts it: its wait status and what it wrote to stderr.
std::pair<int, std::string> run_program(int out_fd, const std::vector<std::string>& args) {
    int err_pipe[2];
    if (pipe(err_pipe) != 0) {
        return {-1, "pipe failed"};
    }
    const pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        dup2(out_fd, STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        close(err_pipe[0]);
        close(err_pipe[1]);
        const std::string tool = std::string(DMS_BIN_DIR) + "/zone_tool";
        std::vector<char*> argv{const_cast<char*>(tool.c_str())};
        for (const auto& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        execv(tool.c_str(), argv.data());
        _exit(127);
    }
    close(err_pipe[1]);
    std::string err;
    char buf[4096];
    for (ssize_t n = 0; (n = read(err_pipe[0], buf, sizeof buf)) > 0;) {
        err.append(buf, static_cast<std::size_t>(n));
    }
    close(err_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return {status, err};
}

TEST_F(ZoneToolCli, AClosedStdoutEndsTheCommandQuietlyNotBySigpipe) {
    // `zone_tool help | true`: the reader is gone before zone_tool writes.
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    close(p[0]);
    const auto [status, err] = run_program(p[1], {"-c", m_conf, "help"});
    close(p[1]);
    ASSERT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 74); // EX_IOERR
    EXPECT_EQ(err, "");
}

TEST_F(ZoneToolCli, AnOutputThatCannotBeWrittenIsReported) {
    const int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(full, 0);
    const auto [status, err] = run_program(full, {"-c", m_conf, "help"});
    close(full);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 74);
    EXPECT_NE(err.find("zone_tool: help: cannot write the output"), std::string::npos) << err;
}

} // namespace
} // namespace dms::zone_tool
