// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool security tag commands against a throwaway database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;

class SectagCommands : public ZoneToolDbTest {};

TEST_F(SectagCommands, SecurityTags) {
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
    EXPECT_EQ(sql_value("SELECT count(*) FROM zone_sectags"),
              "3"); // 2 definitions left + 1 assignment
}

} // namespace
} // namespace dms::test
