// SPDX-License-Identifier: GPL-3.0-or-later
#include <sstream>

#include <gtest/gtest.h>

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
    EXPECT_NE(r.out.find("database: cannot connect to dms@127.0.0.1:1/dms"), std::string::npos)
        << r.out;
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
              "zone_tool: " + m_conf + ":2: unknown option 'db_prot' in section [DEFAULT]\n");
}

} // namespace
} // namespace dms::zone_tool
