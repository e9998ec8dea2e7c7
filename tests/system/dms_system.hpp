// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The master side of a dms for one test: a fresh database (DbTest), a real named
// (NamedFixture) that includes the zones.conf and server-acl.conf dmsd writes, a
// dms.conf for both, dmsd as a child process, and zone_tool in-process.
//
//   TEST_F(DmsSystem, ...) {
//       ASSERT_EQ(zt({"create_zone", "a.test."}).status, 0);
//       ASSERT_TRUE(wait_for([&] { return served("a.test."); }));
//   }
//
// Timers are short (hold 0.5 s, reconciler every second, retries from 0.2 s up to 2 s,
// edit locks time out after 2 s)
// so that tests see every path quickly. On failure the dmsd and named logs are printed.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dms/core/dns_client.hpp"

#include "child_process.hpp"
#include "named_fixture.hpp"
#include "pg_fixture.hpp"
#include "temp_dir.hpp"
#include "zone_tool_runner.hpp"

namespace dms::test {

class DmsSystem : public DbTest {
protected:
    void SetUp() override;
    void TearDown() override;

    /// Extra dms.conf lines for [dmsd] and [DEFAULT] (before SetUp writes the file).
    virtual std::string extra_dmsd_config() const { return {}; }
    virtual std::string extra_common_config() const { return {}; }
    /// Runs once named has started, before dmsd starts.
    virtual void before_dmsd() {}
    /// dms.conf's rndc_conf_file: the master named's own rndc.conf unless overridden.
    virtual std::string rndc_conf_path() const { return (m_named.dir() / "rndc.conf").string(); }

    /// `zone_tool -c <conf> args...` (with -f for commands that would ask first).
    ToolResult zt(std::vector<std::string> args);
    /// Start dmsd and wait until it holds its PID file.
    ::testing::AssertionResult start_dmsd();
    void stop_dmsd();
    void kill_dmsd();

    /// Poll `cond` every 20 ms until true or `timeout`.
    static bool wait_for(const std::function<bool()>& cond,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));
    /// The master's answer to an SOA query.
    dns::SoaReply soa(const std::string& zone);
    /// The master answers the zone's SOA authoritatively (with `serial` if given).
    bool served(const std::string& zone, std::optional<std::uint32_t> serial = std::nullopt);
    /// The master answers `name` `type` with this rdata among its answers.
    bool answers(const std::string& zone, const std::string& name, const std::string& type,
                 const std::string& rdata);
    /// Every record named serves for `zone` (AXFR), "" if the transfer fails.
    std::vector<dns::Record> transfer(const std::string& zone);
    /// sm_zone.state of the live zone.
    std::string zone_state(const std::string& zone);

    NamedFixture m_named;
    TempDir m_dir;
    std::string m_conf;
    ChildProcess m_dmsd;
    std::string m_dmsd_log;
};

} // namespace dms::test
