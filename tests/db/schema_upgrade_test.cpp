// SPDX-License-Identifier: GPL-3.0-or-later
// The create/upgrade mechanism, with synthetic schema bundles on empty databases,
// and the real embedded bundle.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/db/schema.hpp"

#include "pg_fixture.hpp"

namespace dms::test {
namespace {

using db::SchemaBundle;
using db::SchemaState;

const std::string v1 = "CREATE TABLE schema_version (singleton boolean PRIMARY KEY DEFAULT true, "
                       "version integer NOT NULL, applied timestamptz NOT NULL DEFAULT now());"
                       "INSERT INTO schema_version (version) VALUES (1);"
                       "CREATE TABLE thing (id integer PRIMARY KEY);";
const std::string up2 = "ALTER TABLE thing ADD COLUMN name text;";
const std::string up3 = "CREATE TABLE other (id integer PRIMARY KEY REFERENCES thing);";

/// The same schema as v1 + up2 + up3, as a fresh install would create it.
std::string v3_fresh() {
    std::string s = v1 + up2 + up3;
    s.replace(s.find("VALUES (1)"), 10, "VALUES (3)");
    return s;
}

ErrorCode error_code_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return ErrorCode::internal;
}

class SchemaUpgrade : public EmptyDbTest {
protected:
    /// Everything of the public schema a migration could get wrong, as one text.
    std::string schema_signature() {
        const auto rows = [&](const std::string& q) {
            std::string out;
            for (const auto& r : sql(q)) {
                for (const auto& f : r) {
                    out += f + "|";
                }
                out += "\n";
            }
            return out;
        };
        return rows("SELECT table_name, ordinal_position, column_name, data_type, is_nullable,"
                    " coalesce(column_default, '') FROM information_schema.columns"
                    " WHERE table_schema IN ('public', 'dms_audit') ORDER BY 1, 2") +
               rows("SELECT indexdef FROM pg_indexes WHERE schemaname IN ('public', 'dms_audit')"
                    " ORDER BY 1") +
               rows("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                    " FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, "
                    "2") +
               rows("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
                    " ORDER BY 1") +
               rows("SELECT proname, prosrc, proconfig::text FROM pg_proc WHERE pronamespace = "
                    "'public'::regnamespace ORDER BY 1") +
               // Who owns what and who may do what: the audit trail's owner and grants.
               rows("SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner),"
                    " coalesce(c.relacl::text, ''), pg_get_userbyid(n.nspowner),"
                    " coalesce(n.nspacl::text, '') FROM pg_class c JOIN pg_namespace n"
                    " ON n.oid = c.relnamespace WHERE n.nspname = 'dms_audit'"
                    " AND c.relkind IN ('r', 'S') ORDER BY 1, 2");
    }
};

TEST_F(SchemaUpgrade, InstallsOnEmptyDatabaseThenNothingToDo) {
    const auto b = SchemaBundle::from_files(v1, {});
    EXPECT_EQ(db::inspect_schema(session(), b).state, SchemaState::empty);
    const auto c = db::create_schema(session(), b);
    EXPECT_EQ(c.from, 0);
    EXPECT_EQ(c.to, 1);
    EXPECT_EQ(c.applied, std::vector<std::string>{"schema.sql"});
    const auto again = db::create_schema(session(), b);
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(db::inspect_schema(session(), b).state, SchemaState::current);
}

TEST_F(SchemaUpgrade, AppliesPendingUpgradesInOrderOnce) {
    db::create_schema(session(), SchemaBundle::from_files(v1, {}));
    const auto b3 = SchemaBundle::from_files(
        v3_fresh(), {{"0003_other.sql", up3}, {"0002_thing_name.sql", up2}});
    EXPECT_EQ(b3.latest_version(), 3);
    const auto st = db::inspect_schema(session(), b3);
    EXPECT_EQ(st.state, SchemaState::older);
    EXPECT_EQ(st.version, 1);
    const auto c = db::upgrade_schema(session(), b3);
    EXPECT_EQ(c.from, 1);
    EXPECT_EQ(c.to, 3);
    EXPECT_EQ(c.applied, (std::vector<std::string>{"0002_thing_name.sql", "0003_other.sql"}));
    EXPECT_EQ(sql_value("SELECT version FROM schema_version"), "3");
    EXPECT_EQ(sql_value("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                        "'thing' AND column_name = 'name'"),
              "1");
    EXPECT_TRUE(db::upgrade_schema(session(), b3).applied.empty());
}

TEST_F(SchemaUpgrade, UpgradedEqualsFreshInstall) {
    db::create_schema(session(), SchemaBundle::from_files(v1, {}));
    const auto b3 = SchemaBundle::from_files(
        v3_fresh(), {{"0002_thing_name.sql", up2}, {"0003_other.sql", up3}});
    db::upgrade_schema(session(), b3);
    const std::string columns =
        "SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' "
        "ORDER BY table_name, column_name) FROM information_schema.columns "
        "WHERE table_schema = 'public'";
    const auto upgraded = sql_value(columns);
    sql("DROP TABLE other, thing, schema_version");
    db::create_schema(session(), b3);
    EXPECT_EQ(sql_value(columns), upgraded);
}

TEST_F(SchemaUpgrade, FailedUpgradeLeavesDatabaseUntouched) {
    db::create_schema(session(), SchemaBundle::from_files(v1, {}));
    const auto bad = SchemaBundle::from_files(
        v3_fresh(), {{"0002_thing_name.sql", up2}, {"0003_broken.sql", "CREATE TABLE oops ("}});
    EXPECT_EQ(error_code_of([&] { db::upgrade_schema(session(), bad); }), ErrorCode::database);
    EXPECT_EQ(sql_value("SELECT version FROM schema_version"), "1");
    // 0002 ran before 0003 failed, and was rolled back with it.
    EXPECT_EQ(sql_value("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                        "'thing' AND column_name = 'name'"),
              "0");
}

TEST_F(SchemaUpgrade, RefusesWhatItDoesNotKnow) {
    const auto b1 = SchemaBundle::from_files(v1, {});
    EXPECT_EQ(error_code_of([&] { db::upgrade_schema(session(), b1); }), ErrorCode::schema_missing);
    sql("CREATE TABLE unrelated (x int)");
    EXPECT_EQ(db::inspect_schema(session(), b1).state, SchemaState::foreign);
    EXPECT_EQ(error_code_of([&] { db::create_schema(session(), b1); }), ErrorCode::schema_foreign);
    sql("DROP TABLE unrelated");
    db::create_schema(session(), b1);
    sql("UPDATE schema_version SET version = 7");
    EXPECT_EQ(db::inspect_schema(session(), b1).state, SchemaState::newer);
    EXPECT_EQ(error_code_of([&] { db::create_schema(session(), b1); }), ErrorCode::schema_unknown);
    EXPECT_EQ(error_code_of([&] { db::upgrade_schema(session(), b1); }), ErrorCode::schema_unknown);
    EXPECT_EQ(sql_value("SELECT version FROM schema_version"), "7");
}

TEST_F(SchemaUpgrade, SchemaSqlMustMatchTheUpgradeChain) {
    // schema.sql claims version 1 but the upgrades go to 2: a packaging bug.
    const auto b = SchemaBundle::from_files(v1, {{"0002_thing_name.sql", up2}});
    EXPECT_EQ(error_code_of([&] { db::create_schema(session(), b); }), ErrorCode::schema_bundle);
    EXPECT_EQ(sql_value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
}

TEST(SchemaBundleFiles, NumberingIsChecked) {
    EXPECT_THROW(SchemaBundle::from_files(v1, {{"0003_x.sql", up3}}), Error);
    EXPECT_THROW(SchemaBundle::from_files(v1, {{"0002_a.sql", up2}, {"0002_b.sql", up3}}), Error);
    EXPECT_THROW(SchemaBundle::from_files(v1, {{"two_x.sql", up2}}), Error);
    EXPECT_THROW(SchemaBundle::from_files(v1, {{"0002_x.txt", up2}}), Error);
    EXPECT_THROW(SchemaBundle::from_files(v1, {{"0001_x.sql", up2}}), Error);
}

TEST(SchemaBundleFiles, EmbeddedBundleIsConsistent) {
    const auto& b = SchemaBundle::embedded();
    EXPECT_NE(b.schema_sql.find("CREATE TABLE sm_zone"), std::string::npos);
    EXPECT_NE(b.schema_sql.find("INSERT INTO schema_version (version) VALUES (" +
                                std::to_string(b.latest_version()) + ")"),
              std::string::npos)
        << "sql/schema.sql must record the version of the last upgrade";
}

TEST_F(SchemaUpgrade, RealUpgradesFromVersionOneEqualTheFreshSchema) {
    std::ifstream in(std::string(DMS_SOURCE_DIR) + "/tests/data/schema_v1.sql");
    ASSERT_TRUE(in) << "tests/data/schema_v1.sql (the first schema.sql) is missing";
    std::stringstream v1_text;
    v1_text << in.rdbuf();
    db::create_schema(session(), SchemaBundle::from_files(v1_text.str(), {}));
    // A zone with commented records, so the data migration has something to move.
    sql("INSERT INTO sm_zone (name) VALUES ('up.test.')");
    sql("INSERT INTO zone_instances (zone_id, soa_serial, soa_mname, soa_rname, soa_refresh,"
        " soa_retry, soa_expire, soa_minimum, zone_ttl) SELECT id, 1, 'a.', 'b.', '1', '1', '1',"
        " '1', '1h' FROM sm_zone");
    sql("INSERT INTO rr_comments (comment) VALUES ('group'), ('own')");
    sql("INSERT INTO resource_records (zi_id, label, type, rdata, comment_group_id, comment_rr_id)"
        " SELECT z.id, 'www', 'A', '192.0.2.1', (SELECT min(id) FROM rr_comments),"
        " (SELECT max(id) FROM rr_comments) FROM zone_instances z");
    const auto c = db::upgrade_schema(session());
    EXPECT_EQ(c.from, 1);
    EXPECT_EQ(c.to, SchemaBundle::embedded().latest_version());
    EXPECT_EQ(sql_value("SELECT count(*) FROM rr_comments c JOIN zone_instances z"
                        " ON z.id = c.zi_id"),
              "2");
    const auto upgraded = schema_signature();
    sql("DROP SCHEMA public, dms_audit CASCADE");
    sql("CREATE SCHEMA public");
    db::create_schema(session());
    EXPECT_EQ(schema_signature(), upgraded);
}

TEST_F(SchemaUpgrade, RealSchemaInstallsOnEmptyDatabase) {
    const auto c = db::create_schema(session());
    EXPECT_EQ(c.to, SchemaBundle::embedded().latest_version());
    EXPECT_EQ(db::inspect_schema(session()).state, SchemaState::current);
    EXPECT_EQ(sql_value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "15");
    EXPECT_EQ(sql_value("SELECT count(*) FROM pg_tables WHERE schemaname = 'dms_audit'"), "1");
}

} // namespace
} // namespace dms::test
