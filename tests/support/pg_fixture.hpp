// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Database test fixture: a fresh database per test, copied from the template the
// harness built with `zone_tool create_db` (scripts/pg-cluster), i.e. from the
// real sql/schema.sql, on the private cluster of this test run.
//
// Skips when the harness found no PostgreSQL; fails instead when CI is set.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dms/core/config.hpp"
#include "dms/db/session.hpp"

namespace dms::test {

/// Where the harness's cluster is; read from $DMS_TEST_PG_STATE.
struct PgCluster {
    std::string host;
    int port = 0;
    std::string user;
    std::string template_db;
    std::string unavailable; ///< non-empty: why there is no cluster

    /// The harness's cluster (read once).
    static const PgCluster& get();
    /// The cluster a pg-cluster STATE file describes (e.g. a test's own).
    static PgCluster read(const std::string& state_file);
    DbSettings settings(const std::string& dbname) const;
};

using Rows = std::vector<std::vector<std::string>>;

class DbTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    /// Use an empty database (template0) instead of the schema template.
    virtual bool empty_database() const { return false; }
    /// The cluster the test's database lives on: the run's shared one, unless a test
    /// that stops PostgreSQL brings its own.
    virtual const PgCluster& cluster() const { return PgCluster::get(); }

    /// Run SQL directly (test assertions); NULL comes back as "(null)".
    Rows sql(const std::string& statement);
    /// First column of the first row.
    std::string sql_value(const std::string& statement);
    /// Run SQL expecting an error; returns its SQLSTATE ("" if it succeeded).
    std::string sql_error(const std::string& statement);

    db::Session& session() { return *m_session; }

    DbSettings m_settings;
    std::string m_dbname;
    std::optional<db::Session> m_session;
};

class EmptyDbTest : public DbTest {
protected:
    bool empty_database() const override { return true; }
};

} // namespace dms::test
