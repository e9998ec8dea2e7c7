// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool create_db / upgrade_db against the test cluster; the
// interactive shell with a database.
#include "zone_tool_db_test.hpp"

#include <chrono>
#include <csignal>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "dms/db/schema.hpp"
#include "dms/zone_tool/cli.hpp"

#include "pg_fixture.hpp"
#include "temp_dir.hpp"
#include "zone_tool_runner.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ZoneToolDb : public ::testing::Test {
protected:
    void SetUp() override {
        const auto& c = PgCluster::get();
        if (!c.unavailable.empty()) {
            if (std::getenv("CI") != nullptr) {
                FAIL() << c.unavailable;
            }
            GTEST_SKIP() << c.unavailable;
        }
        m_db = "dms_zt_" + std::to_string(getpid());
        m_conf = m_dir.write(
            "dms.conf", "[DEFAULT]\ndb_host = " + c.host + "\ndb_port = " + std::to_string(c.port) +
                            "\ndb_user = " + c.user + "\ndb_name = " + m_db + "\n");
    }
    void TearDown() override {
        if (m_db.empty()) {
            return;
        }
        const auto& c = PgCluster::get();
        pqxx::connection conn("host=" + c.host + " port=" + std::to_string(c.port) +
                              " user=" + c.user + " dbname=postgres");
        pqxx::nontransaction ntx(conn);
        ntx.exec("DROP DATABASE IF EXISTS " + ntx.quote_name(m_db) + " WITH (FORCE)");
    }
    ToolResult run(const std::vector<std::string>& args) { return run_zone_tool(m_conf, args); }

    TempDir m_dir;
    std::string m_db;
    std::string m_conf;
};

TEST_F(ZoneToolDb, CreateDbCreatesDatabaseAndSchemaIdempotently) {
    const auto where = "dms_admin@127.0.0.1:" + std::to_string(PgCluster::get().port) + "/" + m_db;
    const auto version = std::to_string(db::SchemaBundle::embedded().latest_version());
    const auto missing = run({"upgrade_db"});
    EXPECT_EQ(missing.status, 69);
    EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;

    const auto first = run({"create_db"});
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.out, "created database " + m_db + "\n" + where + ": installed schema version " +
                             version +
                             "\naudit trail: dms_audit.audit_log now belongs to role dms_audit; "
                             "the application role dms_admin is a superuser, which can still "
                             "change it\n");

    const auto second = run({"create_db"});
    EXPECT_EQ(second.status, 0) << second.err;
    EXPECT_EQ(second.out, where + ": schema at version " + version + ", nothing to do\n");

    const auto up = run({"upgrade_db"});
    EXPECT_EQ(up.status, 0) << up.err;
    EXPECT_EQ(up.out, where + ": schema at version " + version + ", nothing to do\n");
}

TEST_F(ZoneToolDb, UpgradeRefusesEmptyAndUnknownDatabases) {
    const auto& c = PgCluster::get();
    const std::string admin =
        "host=" + c.host + " port=" + std::to_string(c.port) + " user=" + c.user;
    {
        pqxx::connection conn(admin + " dbname=postgres");
        pqxx::nontransaction ntx(conn);
        ntx.exec("CREATE DATABASE " + ntx.quote_name(m_db));
    }
    const auto empty = run({"upgrade_db"});
    EXPECT_EQ(empty.status, 69);
    EXPECT_NE(empty.err.find("has no dms schema; run create_db"), std::string::npos) << empty.err;

    ASSERT_EQ(run({"create_db"}).status, 0);
    {
        pqxx::connection conn(admin + " dbname=" + m_db);
        pqxx::work w(conn);
        w.exec("UPDATE schema_version SET version = 99");
        w.commit();
    }
    const auto newer = run({"upgrade_db"});
    EXPECT_EQ(newer.status, 65); // EX_DATAERR
    EXPECT_NE(newer.err.find("schema version 99 is newer than this program knows"),
              std::string::npos)
        << newer.err;
    EXPECT_EQ(run({"create_db"}).status, 65);
}

TEST_F(ZoneToolDb, CreateDbTellsAMissingDatabaseFromARefusedOne) {
    // Whether the database is missing is not read from the server's words: they come in
    // its language (lc_messages), and may quote a name that itself reads "does not
    // exist". Here the database exists, but the role may not connect to it: create_db
    // reports that, and creates nothing.
    const auto& c = PgCluster::get();
    m_db += " does not exist";
    const std::string role = "dms_zt_role_" + std::to_string(getpid());
    pqxx::connection conn("host=" + c.host + " port=" + std::to_string(c.port) + " user=" + c.user +
                          " dbname=postgres");
    pqxx::nontransaction ntx(conn);
    ntx.exec("CREATE ROLE " + role + " LOGIN CREATEDB");
    ntx.exec("CREATE DATABASE " + ntx.quote_name(m_db));
    ntx.exec("REVOKE CONNECT ON DATABASE " + ntx.quote_name(m_db) + " FROM PUBLIC");
    m_conf = m_dir.write("role.conf", "[DEFAULT]\ndb_host = " + c.host +
                                          "\ndb_port = " + std::to_string(c.port) +
                                          "\ndb_user = " + role + "\ndb_name = " + m_db + "\n");
    const auto r = run({"create_db"});
    ntx.exec("DROP ROLE " + role);
    EXPECT_EQ(r.status, 69) << r.err; // EX_UNAVAILABLE: the connection was refused
    EXPECT_THAT(r.err, HasSubstr("permission denied for database"));
    EXPECT_THAT(r.err, Not(HasSubstr("already exists")));
    EXPECT_EQ(r.out, "");
}

/// The interactive shell on a pseudo-terminal of 10 rows, with `pager` as $PAGER.
class ShellSession {
public:
    ShellSession(const std::string& conf, const std::string& home, const std::string& pager) {
        winsize ws{};
        ws.ws_row = 10;
        ws.ws_col = 80;
        m_pid = forkpty(&m_fd, nullptr, nullptr, &ws);
        if (m_pid == 0) {
            setenv("HOME", home.c_str(), 1);
            setenv("TERM", "xterm", 1);
            setenv("PAGER", pager.c_str(), 1);
            const std::string tool = std::string(DMS_BIN_DIR) + "/zone_tool";
            execl(tool.c_str(), "zone_tool", "-c", conf.c_str(), nullptr);
            _exit(127);
        }
    }
    ~ShellSession() {
        if (m_pid > 0) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
        }
        if (m_fd >= 0) {
            close(m_fd);
        }
    }
    ShellSession(const ShellSession&) = delete;
    ShellSession& operator=(const ShellSession&) = delete;

    bool started() const { return m_pid > 0; }
    void send(const std::string& s) { (void)!write(m_fd, s.data(), s.size()); }
    /// Read the terminal until `what` appears after the previous match; false after a
    /// minute or when zone_tool is gone.
    bool wait_for(const std::string& what) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < end) {
            if (const auto at = seen.find(what, m_pos); at != std::string::npos) {
                m_pos = at + what.size();
                return true;
            }
            pollfd p{m_fd, POLLIN, 0};
            if (poll(&p, 1, 100) == 1) {
                char buf[4096];
                const auto n = read(m_fd, buf, sizeof buf);
                if (n <= 0) {
                    return false;
                }
                seen.append(buf, static_cast<std::size_t>(n));
            }
        }
        return false;
    }
    /// zone_tool's wait status once it has ended, or -1 after a minute. Once it has
    /// quit, the terminal reports end of file at once, so the wait is bounded by the
    /// clock, not by a number of polls.
    int wait_exit() {
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < end) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                return status;
            }
            pollfd p{m_fd, POLLIN, 0};
            if (poll(&p, 1, 100) == 1) {
                char buf[4096];
                if (const auto n = read(m_fd, buf, sizeof buf); n > 0) {
                    seen.append(buf, static_cast<std::size_t>(n));
                } else {
                    usleep(10'000); // end of file: zone_tool is exiting
                }
            }
        }
        return -1;
    }

    std::string seen;

private:
    pid_t m_pid = -1;
    int m_fd = -1;
    std::size_t m_pos = 0;
};

TEST_F(ZoneToolDbTest, TheShellGoesOnAfterThePagerQuitsEarly) {
    // A zone far longer than the pipe to the pager (64 KiB), for a pager that shows the
    // first line and quits (q in less): zone_tool's writes then fail (EPIPE), which
    // ends the paging, not the shell.
    std::string text = "$TTL 300\n@ SOA ns1 hostmaster 1 2h 900 7d 1h\n@ NS ns1\n"
                       "ns1 A 192.0.2.1\n";
    for (int i = 0; i < 4000; ++i) {
        text += fmt::format("host{} A 198.51.{}.{}\n", i, i / 250, i % 250 + 1);
    }
    ASSERT_EQ(zt({"load_zone", m_dir.write("big.zone", text), "big.example.org"}).status, 0);
    ShellSession shell(m_conf, m_dir.path().string(), "head -n 1");
    ASSERT_TRUE(shell.started());
    const std::string prompt = "zone_tool > ";
    ASSERT_TRUE(shell.wait_for(prompt)) << shell.seen;
    shell.send("show_zone big.example.org\n");
    ASSERT_TRUE(shell.wait_for(prompt)) << shell.seen;
    EXPECT_EQ(shell.seen.find("host3999"), std::string::npos) << "the pager showed it all";
    EXPECT_EQ(shell.seen.find("zone_tool: show_zone"), std::string::npos) << shell.seen;
    EXPECT_EQ(shell.seen.find("command killed"), std::string::npos) << shell.seen;
    shell.send("help create_db\n");
    EXPECT_TRUE(shell.wait_for("usage: create_db")) << shell.seen;
    ASSERT_TRUE(shell.wait_for(prompt)) << shell.seen;
    shell.send("quit\n");
    const int status = shell.wait_exit();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << shell.seen;
}

} // namespace
} // namespace dms::test
