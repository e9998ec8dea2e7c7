// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool configuration commands (zone_cfg, apex NS) against a throwaway database.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;

class ZoneCfgCommands : public ZoneToolDbTest {
protected:
    std::string count(const std::string& table) {
        return sql_value("SELECT count(*) FROM " + table);
    }
};

TEST_F(ZoneCfgCommands, ConfigAndApexNs) {
    ASSERT_EQ(zt({"set_config", "zone_ttl", "5m"}).status, 0);
    EXPECT_EQ(sql_value("SELECT value FROM zone_cfg WHERE key = 'zone_ttl' AND sg_id IS NULL"),
              "5m");
    const auto before = count("zone_cfg");
    EXPECT_EQ(zt({"set_config", "zone_ttl", "soon"}).status, 65);
    EXPECT_EQ(zt({"set_config", "edit_lock", "maybe"}).status, 65);
    EXPECT_EQ(zt({"set_config", "soa_mname", "ns9.example.net."}).status, 64); // needs an SG
    EXPECT_EQ(zt({"set_config", "no_such_key", "1"}).status, 65);
    EXPECT_EQ(count("zone_cfg"), before);
    ASSERT_EQ(zt({"set_config", "someorg-one", "soa_mname", "ns9.example.net."}).status, 0);
    EXPECT_THAT(zt({"show_config"}).out, HasSubstr("ns9.example.net.  (someorg-one)"));
    EXPECT_EQ(zt({"show_apex_ns"}).out, "ns1.someorg.net.\nns2.someorg.net.\n");
    // edit_apex_ns through an "editor" that rewrites the list.
    const auto script =
        m_dir.write("ed.sh", "#!/bin/sh\nprintf '# list\\nNS-A.example.net\\nns-b.example.net.\\n' "
                             "> \"$1\"\n");
    chmod(script.c_str(), 0755);
    setenv("VISUAL", script.c_str(), 1);
    const auto r = zt({"edit_apex_ns", "someorg-one"});
    unsetenv("VISUAL");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(zt({"show_apex_ns", "-g", "someorg-one"}).out,
              "ns-a.example.net.\nns-b.example.net.\n");
    // New zones take the new defaults.
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    const auto show = zt({"show_zone", "example.org"});
    EXPECT_THAT(show.out, HasSubstr("$TTL 5m"));
    EXPECT_THAT(show.out, HasSubstr("ns9.example.net. ;Master NS"));
    EXPECT_THAT(show.out, HasSubstr("NS         ns-b.example.net."));
}

} // namespace
} // namespace dms::test
