// SPDX-License-Identifier: GPL-3.0-or-later
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "dms/core/error.hpp"

namespace dms {
namespace {

TEST(ErrorTable, EveryCodeHasItsOwnEntry) {
    std::set<std::string_view> names;
    const int last = static_cast<int>(last_error_code);
    for (int i = 0; i <= last; ++i) {
        const auto code = static_cast<ErrorCode>(i);
        const auto& info = error_info(code);
        EXPECT_EQ(info.code, code) << "ErrorCode " << i << " has no table entry";
        EXPECT_TRUE(names.insert(info.name).second) << "duplicate name " << info.name;
        EXPECT_LT(info.jsonrpc_code, 0);
        EXPECT_FALSE(info.description.empty());
    }
}

TEST(ErrorTable, ExceptionsCarryTheirCode) {
    const Error e(ErrorCode::db_read_only, "DB in Read Only mode");
    EXPECT_EQ(e.info().name, "DBReadOnlyError");
    EXPECT_EQ(e.info().jsonrpc_code, -122); // as the original (REFERENCE.md 6.4)
    EXPECT_EQ(e.exit_status(), ExitStatus::unavailable);
    const ConfigError c("x");
    EXPECT_EQ(c.exit_status(), ExitStatus::config);
    EXPECT_STREQ(c.what(), "x");
}

} // namespace
} // namespace dms
