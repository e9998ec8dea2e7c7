// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool reference, sectag and configuration commands against a throwaway database.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;

class CatalogCommands : public ZoneToolDbTest {
protected:
    std::string count(const std::string& table) {
        return sql_value("SELECT count(*) FROM " + table);
    }
};

TEST_F(CatalogCommands, References) {
    ASSERT_EQ(zt({"create_reference", "Cust-1"}).status, 0);
    EXPECT_EQ(zt({"create_reference", "CUST-1"}).status, 65);     // exists, ignoring case
    EXPECT_EQ(zt({"create_reference", "--", "-bad"}).status, 65); // not a reference
    ASSERT_EQ(zt({"create_zone", "-r", "cust-1", "example.org"}).status, 0);
    const auto ls = zt({"ls_reference", "cust*"});
    EXPECT_THAT(ls.out, HasSubstr("Cust-1  1"));
    EXPECT_EQ(zt({"delete_reference", "Cust-1"}).status, 65); // still used
    ASSERT_EQ(zt({"rename_reference", "-f", "Cust-1", "Cust-2"}).status, 0);
    EXPECT_THAT(zt({"show_zonesm", "example.org"}).out, HasSubstr("Cust-2"));
    ASSERT_EQ(zt({"set_zone_reference", "example.org"}).status, 0); // clears it
    ASSERT_EQ(zt({"delete_reference", "Cust-2"}).status, 0);
    EXPECT_EQ(zt({"delete_reference", "Cust-2"}).status, 68);
}

TEST_F(CatalogCommands, SecurityTags) {
    ASSERT_EQ(zt({"create_sectag", "RESELLER-9"}).status, 0);
    EXPECT_EQ(zt({"create_sectag", "RESELLER-9"}).status, 65);
    EXPECT_EQ(zt({"create_sectag", "Admin"}).status, 64);
    EXPECT_THAT(zt({"show_sectags"}).out, HasSubstr("RESELLER-9"));
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    ASSERT_EQ(zt({"add_zone_sectag", "example.org", "RESELLER-9"}).status, 0);
    EXPECT_EQ(zt({"add_zone_sectag", "example.org", "NOPE"}).status, 68);
    EXPECT_EQ(zt({"show_zone_sectags", "example.org"}).out, "RESELLER-9\n");
    EXPECT_EQ(zt({"delete_sectag", "RESELLER-9"}).status, 65); // still used
    ASSERT_EQ(zt({"replace_zone_sectags", "-f", "example.org", "HOSTED", "VALUE_RESELLER"}).status,
              0);
    EXPECT_EQ(zt({"show_zone_sectags", "example.org"}).out, "HOSTED\nVALUE_RESELLER\n");
    ASSERT_EQ(zt({"delete_zone_sectag", "example.org", "HOSTED"}).status, 0);
    ASSERT_EQ(zt({"delete_sectag", "RESELLER-9"}).status, 0);
    EXPECT_EQ(count("zone_sectags"), "3"); // 2 definitions left + 1 assignment
}

TEST_F(CatalogCommands, ConfigAndApexNs) {
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
