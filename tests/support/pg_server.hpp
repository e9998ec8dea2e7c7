// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A private PostgreSQL cluster that a test or benchmark owns and may stop and start at
// will (the per-run cluster of pg_fixture.hpp is shared by every test, so no test may
// stop it). Its own temp directory, a free port on 127.0.0.1 kept across restarts,
// superuser dms_admin without password (trust), fsync off. As scripts/lib/pg.sh does:
// initdb and the server run as the user postgres when we are root.
//
//   PgServer pg;
//   ASSERT_TRUE(pg.start());                  // initdb the first time, then pg_ctl start
//   pg.stop(PgServer::StopMode::immediate);   // a crash: recovery at the next start
//   ASSERT_TRUE(pg.start());                  // same port, same data
//
// Not thread safe. The destructor stops the server.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace dms::test {

/// Why a private PostgreSQL cannot be run here ("" if initdb and pg_ctl are found).
std::string pg_server_missing();

class PgServer {
public:
    enum class StopMode {
        fast,      ///< pg_ctl -m fast: sessions are ended, a clean shutdown
        immediate, ///< pg_ctl -m immediate: no shutdown checkpoint, crash recovery next start
    };

    /// Makes the directory and picks the port. Nothing runs yet.
    /// @throws std::runtime_error if the directory cannot be prepared
    PgServer();
    /// Stops the server (fast).
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    /// initdb (first time only), then `pg_ctl start -w` on port(). On failure the
    /// message holds the end of the server log.
    ::testing::AssertionResult start();
    /// Make this (not yet initialised) cluster a hot standby of `primary` (pg_basebackup
    /// -R: streaming replication, standby.signal), then start it. The primary must run.
    ::testing::AssertionResult start_as_standby_of(const PgServer& primary);
    /// `pg_ctl promote -w`: the standby becomes a primary on a new timeline.
    ::testing::AssertionResult promote();
    /// `pg_ctl stop -w`; nothing happens if it is not running.
    void stop(StopMode mode = StopMode::fast);
    /// `pg_ctl status` says it runs.
    bool running() const;

    std::string host() const { return "127.0.0.1"; }
    int port() const { return m_port; }
    std::string user() const { return "dms_admin"; }
    /// libpq connection string for `dbname` (connect_timeout 5 s).
    std::string conninfo(const std::string& dbname) const;
    const std::filesystem::path& dir() const { return m_dir.path(); }
    std::filesystem::path log_path() const { return m_dir.path() / "pg" / "log"; }
    std::string log_tail(std::size_t lines = 40) const;

private:
    ::testing::AssertionResult initdb();

    TempDir m_dir;
    std::string m_bin;
    int m_port = 0;
};

} // namespace dms::test
