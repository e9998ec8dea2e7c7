// SPDX-License-Identifier: GPL-3.0-or-later
// A trustworthy audit trail (issue 11 item 7): who is recorded comes from the real uid,
// not from $USER; and the application role cannot rewrite, delete or drop the trail
// once a superuser has run create_db or upgrade_db.
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "dms/db/schema.hpp"

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(ZoneToolDbTest, AuditNamesTheRealUserNotTheEnvironment) {
    setenv("USER", "mallory", 1);
    setenv("LOGNAME", "mallory", 1);
    const auto r = zt({"create_zone", "who.example.org"});
    unsetenv("USER");
    unsetenv("LOGNAME");
    ASSERT_EQ(r.status, 0) << r.err;
    const passwd* pw = getpwuid(getuid());
    ASSERT_NE(pw, nullptr);
    const auto by = sql_value("SELECT change_by FROM dms_audit.audit_log"
                              " WHERE operation = 'create_zone'");
    EXPECT_THAT(by, ::testing::StartsWith(std::string(pw->pw_name) + "@"));
    EXPECT_THAT(by, Not(HasSubstr("mallory")));
}

/// An application role that is not a superuser (as in any real set-up, where the
/// superuser bypasses every privilege), with a database of its own.
class AuditTrail : public ZoneToolDbTest {
protected:
    void SetUp() override {
        ZoneToolDbTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        m_app = m_dbname + "_app";
        m_app_db = m_dbname + "_appdb";
        sql("CREATE ROLE " + m_app + " LOGIN CREATEDB");
        m_app_conf =
            m_dir.write("app.conf", "[DEFAULT]\ndb_host = " + m_settings.host +
                                        "\ndb_port = " + std::to_string(m_settings.port) +
                                        "\ndb_user = " + m_app + "\ndb_name = " + m_app_db + "\n");
        m_admin_conf = m_dir.write(
            "admin.conf", "[DEFAULT]\ndb_host = " + m_settings.host +
                              "\ndb_port = " + std::to_string(m_settings.port) +
                              "\ndb_user = " + m_settings.user + "\ndb_name = " + m_app_db + "\n");
    }
    void TearDown() override {
        if (!m_app.empty()) {
            try {
                pqxx::connection c(conninfo(m_settings.user, "postgres"));
                pqxx::nontransaction n(c);
                n.exec("DROP DATABASE IF EXISTS " + m_app_db + " WITH (FORCE)");
                n.exec("DROP ROLE IF EXISTS " + m_app);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "cleaning up " << m_app << ": " << e.what();
            }
        }
        ZoneToolDbTest::TearDown();
    }

    std::string conninfo(const std::string& user, const std::string& db) const {
        return "host=" + m_settings.host + " port=" + std::to_string(m_settings.port) +
               " user=" + user + " dbname=" + db;
    }
    /// Run `statement` in the application database as the application role; its
    /// SQLSTATE, "" if it succeeded.
    std::string as_app(const std::string& statement) {
        try {
            pqxx::connection c(conninfo(m_app, m_app_db));
            pqxx::work w(c);
            w.exec(statement);
            w.commit();
        } catch (const pqxx::insufficient_privilege&) {
            return "42501"; // libpqxx 6.4 leaves sqlstate() empty for this one
        } catch (const pqxx::sql_error& e) {
            return e.sqlstate().empty() ? std::string("error: ") + e.what() : e.sqlstate();
        }
        return {};
    }
    std::string admin_value(const std::string& statement) {
        pqxx::connection c(conninfo(m_settings.user, m_app_db));
        pqxx::work w(c);
        const auto r = w.exec1(statement);
        return r[0].is_null() ? "(null)" : r[0].c_str();
    }
    ToolResult app_zt(const std::vector<std::string>& args) {
        return run_zone_tool(m_app_conf, args);
    }

    /// What the application role may do to the audit trail once it is protected.
    void expect_only_read_and_insert() {
        constexpr const char* denied = "42501"; // insufficient_privilege
        EXPECT_EQ(as_app("UPDATE dms_audit.audit_log SET change_by = 'mallory@x/Admin'"), denied);
        EXPECT_EQ(as_app("DELETE FROM dms_audit.audit_log"), denied);
        EXPECT_EQ(as_app("TRUNCATE dms_audit.audit_log"), denied);
        EXPECT_EQ(as_app("DROP TABLE dms_audit.audit_log"), denied);
        EXPECT_EQ(as_app("DROP SCHEMA dms_audit CASCADE"), denied);
        EXPECT_EQ(as_app("ALTER TABLE dms_audit.audit_log DISABLE TRIGGER ALL"), denied);
        EXPECT_EQ(as_app("ALTER TABLE dms_audit.audit_log RENAME TO old_log"), denied);
        EXPECT_EQ(as_app("SET ROLE dms_audit"), denied);
        // A row cannot be back-dated or given an id: those come from the defaults.
        EXPECT_EQ(as_app("INSERT INTO dms_audit.audit_log (at, change_by, operation)"
                         " VALUES ('2000-01-01', 'x', 'y')"),
                  denied);
        EXPECT_EQ(as_app("INSERT INTO dms_audit.audit_log (change_by, operation)"
                         " VALUES ('x', 'y')"),
                  "");
        EXPECT_EQ(as_app("SELECT count(*) FROM dms_audit.audit_log"), "");
        // Everything else stays the application's.
        EXPECT_EQ(admin_value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                              " AND tableowner <> '" +
                              m_app + "'"),
                  "0");
        // zone_tool as the application role still records its changes.
        const auto r = app_zt({"create_zone", "after.example.org"});
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(admin_value("SELECT count(*) FROM dms_audit.audit_log"
                              " WHERE subject = 'after.example.org.'"),
                  "1");
        const auto status = app_zt({"show_master_status", "-v"});
        EXPECT_EQ(status.status, 0) << status.err;
        // vacuum_audit ages it, but only through dms_vacuum_audit, which the
        // application role may run and not replace, and which keeps 30 days.
        EXPECT_EQ(admin_value("SELECT pg_get_userbyid(proowner) FROM pg_proc"
                              " WHERE oid = to_regprocedure("
                              "'public.dms_vacuum_audit(double precision, integer)')"),
                  "dms_audit");
        EXPECT_EQ(as_app("CREATE OR REPLACE FUNCTION public.dms_vacuum_audit(max_age_days double"
                         " precision, batch integer) RETURNS bigint LANGUAGE sql AS"
                         " 'SELECT 0::bigint'"),
                  denied);
        {
            pqxx::connection c(conninfo(m_settings.user, m_app_db));
            pqxx::work w(c);
            w.exec("INSERT INTO dms_audit.audit_log (at, change_by, operation) VALUES"
                   " (now() - interval '45 days', 'x', 'aged'),"
                   " (now() - interval '10 days', 'x', 'aged')");
            w.commit();
        }
        const auto vacuum = app_zt({"vacuum_audit", "-f", "1"});
        EXPECT_EQ(vacuum.status, 0) << vacuum.err;
        EXPECT_THAT(vacuum.out, HasSubstr("vacuum_audit: 1 audit rows removed"));
        EXPECT_EQ(admin_value("SELECT count(*) FROM dms_audit.audit_log WHERE operation = 'aged'"),
                  "1");
    }

    std::string m_app;
    std::string m_app_db;
    std::string m_app_conf;
    std::string m_admin_conf;
};

TEST_F(AuditTrail, FreshSetUpEndsWithTheTrailOwnedByAnotherRole) {
    // The application role creates its database (as scripts/sandbox does): it cannot
    // give the trail away, and says so.
    auto r = app_zt({"create_db"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("warning: the audit trail dms_audit.audit_log belongs to the "
                                 "application role '" +
                                 m_app + "', which can rewrite it"));
    ASSERT_EQ(app_zt({"create_zone", "before.example.org"}).status, 0);
    // Unprotected, the application could rewrite history.
    EXPECT_EQ(as_app("UPDATE dms_audit.audit_log SET change_by = change_by"), "");

    // A superuser runs upgrade_db once: the trail goes to dms_audit.
    r = run_zone_tool(m_admin_conf, {"upgrade_db"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("audit trail: dms_audit.audit_log now belongs to role "
                                 "dms_audit; role " +
                                 m_app + " may only read it and insert rows"));
    EXPECT_EQ(admin_value("SELECT tableowner FROM pg_tables WHERE schemaname = 'dms_audit'"
                          " AND tablename = 'audit_log'"),
              "dms_audit");
    expect_only_read_and_insert();
    EXPECT_EQ(admin_value("SELECT count(*) FROM dms_audit.audit_log"
                          " WHERE subject = 'before.example.org.'"),
              "1");
    // Again: nothing to do, no warning.
    r = app_zt({"create_db"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("warning")));
}

TEST_F(AuditTrail, AnUpgradeBySuperuserKeepsTheApplicationsTablesAndHandsOverTheTrail) {
    // An old database of the application role (schema version 1, audit_log in public).
    {
        pqxx::connection c(conninfo(m_settings.user, "postgres"));
        pqxx::nontransaction n(c);
        n.exec("CREATE DATABASE " + m_app_db + " OWNER " + m_app + " TEMPLATE template0");
    }
    std::ifstream in(std::string(DMS_SOURCE_DIR) + "/tests/data/schema_v1.sql");
    ASSERT_TRUE(in);
    std::stringstream v1;
    v1 << in.rdbuf();
    {
        DbSettings s = m_settings;
        s.user = m_app;
        s.name = m_app_db;
        auto app = db::Session::open(s);
        db::create_schema(app, db::SchemaBundle::from_files(v1.str(), {}));
    }
    ASSERT_EQ(as_app("INSERT INTO audit_log (change_by, operation) VALUES ('old@h/Admin', 'old')"),
              "");

    // The superuser upgrades: the new objects are the application's, the trail is not.
    const auto r = run_zone_tool(m_admin_conf, {"upgrade_db"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("upgraded schema 1 -> "));
    EXPECT_THAT(r.out, HasSubstr("now belongs to role dms_audit"));
    EXPECT_EQ(admin_value("SELECT change_by FROM dms_audit.audit_log WHERE operation = 'old'"),
              "old@h/Admin");
    EXPECT_EQ(admin_value("SELECT pg_get_userbyid(nspowner) FROM pg_namespace"
                          " WHERE nspname = 'dms_audit'"),
              "dms_audit");
    expect_only_read_and_insert();
}

} // namespace
} // namespace dms::test
