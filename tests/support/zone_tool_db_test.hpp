// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A fresh database per test plus a dms.conf pointing at it, and zt() to run
// zone_tool commands against it. Header-only: for tests that link dms_zone_tool.

#include <string>
#include <vector>

#include "pg_fixture.hpp"
#include "temp_dir.hpp"
#include "zone_tool_runner.hpp"

namespace dms::test {

class ZoneToolDbTest : public DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        m_conf = m_dir.write("dms.conf", "[DEFAULT]\ndb_host = " + m_settings.host +
                                             "\ndb_port = " + std::to_string(m_settings.port) +
                                             "\ndb_user = " + m_settings.user +
                                             "\ndb_name = " + m_settings.name + "\n");
    }
    /// `zone_tool -c <conf> args...`
    ToolResult zt(const std::vector<std::string>& args) { return run_zone_tool(m_conf, args); }

    TempDir m_dir;
    std::string m_conf;
};

} // namespace dms::test
