// SPDX-License-Identifier: GPL-3.0-or-later
// The create/upgrade mechanism, with synthetic schema bundles on empty databases,
// and the real embedded bundle.
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

class SchemaUpgrade : public EmptyDbTest {};

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

TEST_F(SchemaUpgrade, RealSchemaInstallsOnEmptyDatabase) {
    const auto c = db::create_schema(session());
    EXPECT_EQ(c.to, SchemaBundle::embedded().latest_version());
    EXPECT_EQ(db::inspect_schema(session()).state, SchemaState::current);
    EXPECT_EQ(sql_value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "16");
}

} // namespace
} // namespace dms::test
