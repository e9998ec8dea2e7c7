// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A whole dms on loopback, every part of which can be stopped, killed and started
// again: a private PostgreSQL (PgServer) with the dms database, the master named
// (NamedFixture) including the config dmsd writes, N slaves (SlaveServer: named + rsync
// daemon) registered with create_server/enable_server, and dmsd as a child process. For
// fault soaks and benchmarks; tests that need no faults use DmsSystem (tests/system).
//
//   DeploymentOptions o;
//   o.slaves = 2;
//   DmsDeployment dms(o);
//   ASSERT_TRUE(dms.start());                 // everything up, every slave OK
//   dms.zone_tool({"create_zone", "a.test."});
//   dms.kill_dmsd(); ASSERT_TRUE(dms.start_dmsd());
//   dms.pg().stop(PgServer::StopMode::immediate); ASSERT_TRUE(dms.pg().start());
//
// zone_tool runs as a separate process (build/bin/zone_tool), so any number of threads
// may call zone_tool() at once; everything else is for one thread. Timers are short
// (retries from 0.2 s up to 2 s, reconciler every second, slaves checked every 2 s) so a
// fault's effects and its repair show within seconds. The directory layout is that of
// DmsSystem; dir()/dmsd.log is dmsd's log.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dms/core/process.hpp"

#include "child_process.hpp"
#include "named_fixture.hpp"
#include "pg_server.hpp"
#include "slave_fixture.hpp"
#include "temp_dir.hpp"

namespace dms::test {

/// Why a deployment cannot run here ("" if PostgreSQL, named and rsync are found).
std::string deployment_missing();

struct DeploymentOptions {
    /// Slave servers (named + rsyncd on 127.0.0.1, free ports) in the SG someorg-one.
    int slaves = 2;
    /// dmsd's log_level.
    std::string log_level = "info";
    /// Extra lines for dms.conf's [dmsd] section (later lines override earlier ones).
    std::string extra_dmsd_config;
};

class DmsDeployment {
public:
    /// Picks ports and directories; nothing runs yet.
    explicit DmsDeployment(DeploymentOptions options = {});
    /// Stops dmsd, the slaves, named and PostgreSQL.
    ~DmsDeployment();
    DmsDeployment(const DmsDeployment&) = delete;
    DmsDeployment& operator=(const DmsDeployment&) = delete;

    /// PostgreSQL + create_db, the slaves, the master named, dmsd; then each slave is
    /// created and enabled and start() waits (up to 60 s) until every one is OK.
    ::testing::AssertionResult start();

    /// Start dmsd and wait until it holds its PID file (up to 30 s).
    ::testing::AssertionResult start_dmsd();
    /// SIGKILL dmsd (a crash).
    void kill_dmsd();
    /// SIGTERM dmsd and wait for it.
    void stop_dmsd();
    bool dmsd_running();

    /// `zone_tool -c CONF ARGS...` as a process, with a time limit.
    ProcessResult zone_tool(const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;

    PgServer& pg() { return m_pg; }
    NamedFixture& master() { return m_master; }
    SlaveServer& slave(std::size_t i) { return *m_slaves.at(i); }
    std::size_t slave_count() const { return m_slaves.size(); }

    /// libpq connection string of the dms database.
    std::string conninfo() const { return m_pg.conninfo("dms"); }
    const std::string& conf_path() const { return m_conf; }
    const std::filesystem::path& dir() const { return m_dir.path(); }
    std::filesystem::path dmsd_log_path() const { return dir() / "dmsd.log"; }

    /// Copy every log (dmsd, PostgreSQL, the master's and each slave's named and rsyncd)
    /// into `to` (created), for a look after the deployment is gone.
    void save_logs(const std::filesystem::path& to) const;

private:
    std::string conf_text() const;
    ::testing::AssertionResult add_slave(const SlaveServer& s);

    DeploymentOptions m_options;
    TempDir m_dir;
    PgServer m_pg;
    NamedFixture m_master;
    std::vector<std::unique_ptr<SlaveServer>> m_slaves;
    std::string m_conf;
    std::string m_remote_key;
    std::string m_password_file;
    ChildProcess m_dmsd;
};

} // namespace dms::test
