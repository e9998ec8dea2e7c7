// SPDX-License-Identifier: GPL-3.0-or-later
#include "pg_fixture.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <unistd.h>

#include <pqxx/pqxx>

namespace dms::test {
namespace {

std::string admin_conninfo(const PgCluster& c, const std::string& db) {
    return "host=" + c.host + " port=" + std::to_string(c.port) + " user=" + c.user +
           " dbname=" + db;
}

} // namespace

const PgCluster& PgCluster::get() {
    static const PgCluster cluster = [] {
        const char* path = std::getenv("DMS_TEST_PG_STATE");
        if (!path) {
            PgCluster c;
            c.unavailable = "no test cluster state file (unset); run the tests through ctest";
            return c;
        }
        return read(path);
    }();
    return cluster;
}

PgCluster PgCluster::read(const std::string& state_file) {
    PgCluster c;
    std::ifstream in(state_file);
    if (!in) {
        c.unavailable =
            "no test cluster state file (" + state_file + "); run the tests through ctest";
        return c;
    }
    std::map<std::string, std::string> kv;
    std::string line;
    while (std::getline(in, line)) {
        if (auto eq = line.find('='); eq != std::string::npos) {
            kv[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    c.unavailable = kv["unavailable"];
    c.host = kv["host"];
    c.port = kv["port"].empty() ? 0 : std::stoi(kv["port"]);
    c.user = kv["user"];
    c.template_db = kv["template"];
    if (c.unavailable.empty() && c.port == 0) {
        c.unavailable = "test cluster state file has no port";
    }
    return c;
}

DbSettings PgCluster::settings(const std::string& dbname) const {
    DbSettings s;
    s.host = host;
    s.port = port;
    s.user = user;
    s.name = dbname;
    s.connect_timeout = 10;
    return s;
}

void DbTest::SetUp() {
    const auto& c = cluster();
    if (!c.unavailable.empty()) {
        if (std::getenv("CI") != nullptr) {
            FAIL() << "PostgreSQL test cluster unavailable in CI: " << c.unavailable;
        }
        GTEST_SKIP() << "PostgreSQL test cluster unavailable: " << c.unavailable;
    }
    static std::atomic<int> counter{0};
    m_dbname = "dms_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    {
        pqxx::connection admin(admin_conninfo(c, "postgres"));
        pqxx::nontransaction ntx(admin);
        ntx.exec("DROP DATABASE IF EXISTS " + ntx.quote_name(m_dbname));
        ntx.exec("CREATE DATABASE " + ntx.quote_name(m_dbname) + " TEMPLATE " +
                 ntx.quote_name(empty_database() ? "template0" : c.template_db));
    }
    m_settings = c.settings(m_dbname);
    m_session.emplace(db::Session::open(m_settings));
}

void DbTest::TearDown() {
    m_session.reset();
    if (m_dbname.empty()) {
        return;
    }
    try {
        pqxx::connection admin(admin_conninfo(cluster(), "postgres"));
        pqxx::nontransaction ntx(admin);
        ntx.exec("DROP DATABASE IF EXISTS " + ntx.quote_name(m_dbname) + " WITH (FORCE)");
    } catch (const std::exception& e) {
        ADD_FAILURE() << "dropping " << m_dbname << ": " << e.what();
    }
}

Rows DbTest::sql(const std::string& statement) {
    pqxx::connection conn(admin_conninfo(cluster(), m_dbname));
    pqxx::work w(conn);
    const auto r = w.exec(statement);
    w.commit();
    Rows rows;
    for (const auto& row : r) {
        auto& out = rows.emplace_back();
        for (const auto& f : row) {
            out.emplace_back(f.is_null() ? "(null)" : f.c_str());
        }
    }
    return rows;
}

std::string DbTest::sql_value(const std::string& statement) {
    const auto rows = sql(statement);
    if (rows.empty() || rows.front().empty()) {
        ADD_FAILURE() << "no value from: " << statement;
        return {};
    }
    return rows.front().front();
}

std::string DbTest::sql_error(const std::string& statement) {
    try {
        sql(statement);
    } catch (const pqxx::sql_error& e) {
        return e.sqlstate();
    }
    return {};
}

} // namespace dms::test
