// SPDX-License-Identifier: GPL-3.0-or-later
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/logging.hpp"

namespace dms::log {
namespace {

class Logging : public ::testing::Test {
protected:
    void SetUp() override {
        set_level(Level::info);
        set_sink([this](Level, std::string_view line) { m_lines.emplace_back(line); });
    }
    void TearDown() override {
        set_sink(nullptr);
        set_level(Level::info);
    }
    std::vector<std::string> m_lines;
};

TEST_F(Logging, LineNamesSubjectAndOperation) {
    info("zone example.org.", "publish", "serial {} sent to {}", 2026112301, "127.0.0.1");
    ASSERT_EQ(m_lines.size(), 1U);
    EXPECT_EQ(m_lines[0], "INFO zone example.org. publish: serial 2026112301 sent to 127.0.0.1");
}

TEST_F(Logging, LevelFiltering) {
    set_level(Level::warning);
    debug("event 7", "run", "hidden");
    info("event 7", "run", "hidden");
    warning("server ns1", "rsync", "shown");
    critical("master", "reconfig", "shown too");
    ASSERT_EQ(m_lines.size(), 2U);
    EXPECT_EQ(m_lines[0], "WARNING server ns1 rsync: shown");
    EXPECT_EQ(m_lines[1], "CRITICAL master reconfig: shown too");
    EXPECT_FALSE(enabled(Level::info));
    EXPECT_TRUE(enabled(Level::error));
}

TEST_F(Logging, EmptySubjectOrOperationShownAsDash) {
    error("", "", "x");
    ASSERT_EQ(m_lines.size(), 1U);
    EXPECT_EQ(m_lines[0], "ERROR - -: x");
}

TEST(LoggingNames, RoundTrip) {
    for (auto l : {Level::debug, Level::info, Level::notice, Level::warning, Level::error,
                   Level::critical}) {
        EXPECT_EQ(level_from_string(to_string(l)), l);
    }
    EXPECT_EQ(level_from_string("INFO"), std::nullopt);
    EXPECT_EQ(target_from_string("syslog"), Target::syslog);
    EXPECT_EQ(target_from_string("stderr"), Target::standard_error);
    EXPECT_EQ(target_from_string("file"), std::nullopt);
    EXPECT_TRUE(syslog_facility_from_string("local7").has_value());
    EXPECT_FALSE(syslog_facility_from_string("local8").has_value());
}

TEST(LoggingStderr, WritesTimestampIdentAndLine) {
    Settings s;
    s.ident = "logtest";
    s.level = Level::info;
    configure(s);
    testing::internal::CaptureStderr();
    notice("server ns2", "check", "SOA answered in {} ms", 3);
    const auto out = testing::internal::GetCapturedStderr();
    EXPECT_THAT(out, testing::MatchesRegex("20[0-9-]+T[0-9:.]+Z logtest\\[[0-9]+\\] NOTICE server "
                                           "ns2 check: SOA answered in 3 ms\n"));
}

} // namespace
} // namespace dms::log
