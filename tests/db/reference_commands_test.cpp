// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool reference commands against a throwaway database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;

class ReferenceCommands : public ZoneToolDbTest {};

TEST_F(ReferenceCommands, References) {
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

} // namespace
} // namespace dms::test
