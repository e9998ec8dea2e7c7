// SPDX-License-Identifier: GPL-3.0-or-later
// The constraints of sql/schema.sql, exercised on a fresh database.
#include <gtest/gtest.h>

#include "dms/db/schema.hpp"

#include "pg_fixture.hpp"

namespace dms::test {
namespace {

constexpr const char* unique_violation = "23505";
constexpr const char* check_violation = "23514";
constexpr const char* fk_violation = "23503";

class Schema : public DbTest {
protected:
    std::string add_zone(const std::string& name, const std::string& state = "INIT") {
        return sql_value("INSERT INTO sm_zone (name, state, sg_id) VALUES ('" + name + "', '" +
                         state +
                         "', (SELECT id FROM server_groups WHERE name = 'someorg-one')) "
                         "RETURNING id");
    }
    std::string add_zi(const std::string& zone_id, const std::string& serial = "1") {
        return sql_value("INSERT INTO zone_instances (zone_id, soa_serial, soa_mname, soa_rname, "
                         "soa_refresh, soa_retry, soa_expire, soa_minimum, zone_ttl) VALUES (" +
                         zone_id + ", " + serial +
                         ", 'ns1.example.org.', 'hostmaster.example.org.', '2h', '900', '7d', "
                         "'1h', '1h') RETURNING id");
    }
};

TEST_F(Schema, SeedRowsArePresent) {
    EXPECT_EQ(sql_value("SELECT version FROM schema_version"),
              std::to_string(db::SchemaBundle::embedded().latest_version()));
    EXPECT_EQ(sql_value("SELECT state FROM sm_master"), "READY");
    EXPECT_EQ(sql_value("SELECT value FROM zone_cfg WHERE key = 'default_sg' AND sg_id IS NULL"),
              "someorg-one");
    EXPECT_EQ(sql_value("SELECT value FROM zone_cfg WHERE key = 'zone_ttl'"), "1h");
    EXPECT_EQ(sql_value("SELECT count(*) FROM zone_cfg WHERE key = 'apex_ns'"), "2");
    EXPECT_EQ(sql_value("SELECT string_agg(sectag, ',' ORDER BY sectag) FROM zone_sectags "
                        "WHERE zone_id IS NULL"),
              "HOSTED,VALUE_RESELLER");
}

TEST_F(Schema, OneLiveZonePerName) {
    const auto first = add_zone("example.org.");
    EXPECT_EQ(sql_error("INSERT INTO sm_zone (name) VALUES ('example.org.')"), unique_violation);
    // A deleted incarnation may share the name with the live one.
    sql("UPDATE sm_zone SET state = 'DELETED', deleted_start = now() WHERE id = " + first);
    add_zone("example.org.");
    add_zone("example.org.", "DELETED");
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_zone WHERE name = 'example.org.'"), "3");
    // Undeleting the old one while another is live is refused by the database too.
    EXPECT_EQ(
        sql_error("UPDATE sm_zone SET state = 'INIT', deleted_start = NULL WHERE id = " + first),
        unique_violation);
}

TEST_F(Schema, ZoneNamesAreLowerCaseAbsolute) {
    EXPECT_EQ(sql_error("INSERT INTO sm_zone (name) VALUES ('Example.org.')"), check_violation);
    EXPECT_EQ(sql_error("INSERT INTO sm_zone (name) VALUES ('example.org')"), check_violation);
}

TEST_F(Schema, SerialsMustFitIn32Bits) {
    const auto zone = add_zone("serial.test.");
    EXPECT_NO_THROW(add_zi(zone, "4294967295"));
    EXPECT_NO_THROW(add_zi(zone, "0"));
    EXPECT_EQ(sql_error("INSERT INTO zone_instances (zone_id, soa_serial, soa_mname, soa_rname, "
                        "soa_refresh, soa_retry, soa_expire, soa_minimum, zone_ttl) VALUES (" +
                        zone + ", 4294967296, 'a.', 'b.', '1', '1', '1', '1', '1')"),
              check_violation);
    EXPECT_EQ(sql_error("UPDATE sm_zone SET soa_serial = -1 WHERE id = " + zone), check_violation);
    EXPECT_EQ(sql_error("UPDATE sm_zone SET soa_serial = 4294967296 WHERE id = " + zone),
              check_violation);
}

TEST_F(Schema, StateNamesAreChecked) {
    EXPECT_EQ(sql_error("INSERT INTO sm_zone (name, state) VALUES ('a.test.', 'PUBLISHING')"),
              check_violation);
    EXPECT_EQ(sql_error("UPDATE sm_master SET state = 'WAIT'"), check_violation);
    EXPECT_EQ(sql_error("INSERT INTO sm_servers (name, sg_id, address, state) VALUES "
                        "('ns1', (SELECT id FROM server_groups), '127.0.0.2', 'UP')"),
              check_violation);
}

TEST_F(Schema, EditLockFieldsAgree) {
    const auto zone = add_zone("lock.test.");
    EXPECT_EQ(sql_error("UPDATE sm_zone SET lock_state = 'EDIT_LOCK' WHERE id = " + zone),
              check_violation);
    sql("UPDATE sm_zone SET lock_state = 'EDIT_LOCK', edit_lock_token = 42 WHERE id = " + zone);
}

TEST_F(Schema, PublishedZiMustBelongToTheZone) {
    const auto a = add_zone("a.test.");
    const auto b = add_zone("b.test.");
    const auto zi_b = add_zi(b);
    EXPECT_EQ(sql_error("UPDATE sm_zone SET zi_id = " + zi_b + " WHERE id = " + a), fk_violation);
    sql("UPDATE sm_zone SET zi_id = " + zi_b + ", zi_candidate_id = " + zi_b + " WHERE id = " + b);
    // Deleting the ZI clears the pointers, not the zone.
    sql("DELETE FROM zone_instances WHERE id = " + zi_b);
    EXPECT_EQ(sql_value("SELECT coalesce(zi_id::text, 'null') || coalesce(zi_candidate_id::text, "
                        "'null') FROM sm_zone WHERE id = " +
                        b),
              "nullnull");
}

TEST_F(Schema, RecordBelongsToZiOrUpdateGroupNotBoth) {
    const auto zone = add_zone("rr.test.");
    const auto zi = add_zi(zone);
    EXPECT_EQ(sql_error("INSERT INTO resource_records (label, type, rdata) VALUES ('@', 'A', "
                        "'192.0.2.1')"),
              check_violation);
    const auto ug = sql_value("INSERT INTO update_groups (update_type, zone_id) VALUES ('t', " +
                              zone + ") RETURNING id");
    EXPECT_EQ(sql_error("INSERT INTO resource_records (zi_id, ug_id, label, type, rdata, "
                        "update_op) VALUES (" +
                        zi + ", " + ug + ", '@', 'A', '192.0.2.1', 'ADD')"),
              check_violation);
    EXPECT_EQ(sql_error("INSERT INTO resource_records (ug_id, label, type, rdata) VALUES (" + ug +
                        ", '@', 'A', '192.0.2.1')"),
              check_violation);
    EXPECT_EQ(
        sql_error("INSERT INTO update_groups (update_type, zone_id) VALUES ('t', " + zone + ")"),
        unique_violation);
}

TEST_F(Schema, CommentsGoWithTheirZi) {
    const auto zone = add_zone("c.test.");
    const auto zi = add_zi(zone);
    const auto zi2 = add_zi(zone);
    const auto c = sql_value("INSERT INTO rr_comments (comment, zi_id) VALUES ('web', " + zi +
                             ") RETURNING id");
    const auto c2 = sql_value("INSERT INTO rr_comments (comment, zi_id) VALUES ('mail', " + zi2 +
                              ") RETURNING id");
    sql("INSERT INTO resource_records (zi_id, label, type, rdata, comment_group_id) VALUES (" + zi +
        ", 'www', 'A', '192.0.2.1', " + c + "), (" + zi + ", 'www', 'A', '192.0.2.2', " + c + ")");
    sql("DELETE FROM resource_records WHERE rdata = '192.0.2.1'");
    EXPECT_EQ(sql_value("SELECT count(*) FROM rr_comments WHERE id = " + c), "1");
    // Deleting a ZI deletes its records and its comments, and only those.
    sql("DELETE FROM zone_instances WHERE id = " + zi);
    EXPECT_EQ(sql_value("SELECT count(*) FROM rr_comments WHERE id = " + c), "0");
    EXPECT_EQ(sql_value("SELECT count(*) FROM rr_comments WHERE id = " + c2), "1");
    // Destroying the zone cascades to the rest.
    sql("DELETE FROM sm_zone WHERE id = " + zone);
    EXPECT_EQ(sql_value("SELECT count(*) FROM rr_comments"), "0");
    EXPECT_EQ(sql_value("SELECT count(*) FROM resource_records"), "0");
    EXPECT_EQ(sql_error("INSERT INTO rr_comments (comment, zi_id) VALUES ('x', 987654)"),
              fk_violation);
}

TEST_F(Schema, UpdateGroupRecordsAndTheirCommentsGoWithTheGroup) {
    const auto zone = add_zone("u.test.");
    const auto ug = sql_value("INSERT INTO update_groups (update_type, zone_id) VALUES ('t', " +
                              zone + ") RETURNING id");
    const auto c = sql_value("INSERT INTO rr_comments (comment) VALUES ('op') RETURNING id");
    EXPECT_EQ(sql_error("INSERT INTO resource_records (ug_id, label, type, rdata, update_op) "
                        "VALUES (987654, 'a', 'A', '192.0.2.1', 'ADD')"),
              fk_violation);
    sql("INSERT INTO resource_records (ug_id, label, type, rdata, update_op, comment_rr_id) "
        "VALUES (" +
        ug + ", 'a', 'A', '192.0.2.1', 'ADD', " + c + ")");
    sql("DELETE FROM update_groups WHERE id = " + ug);
    EXPECT_EQ(sql_value("SELECT count(*) FROM resource_records"), "0");
    EXPECT_EQ(sql_value("SELECT count(*) FROM rr_comments"), "0");
}

TEST_F(Schema, RecordReferencesAreCheckedAndClearedPerStatement) {
    const auto zone = add_zone("f.test.");
    const auto zi = add_zi(zone);
    EXPECT_EQ(sql_error("INSERT INTO resource_records (zi_id, label, type, rdata, ref_id) "
                        "VALUES (" +
                        zi + ", 'a', 'A', '192.0.2.1', 987654)"),
              fk_violation);
    const auto ref = sql_value("INSERT INTO reference (reference) VALUES ('CUST-1') RETURNING id");
    sql("INSERT INTO resource_records (zi_id, label, type, rdata, ref_id) VALUES (" + zi +
        ", 'a', 'A', '192.0.2.1', " + ref + ")");
    // Deleting the reference clears it, as ON DELETE SET NULL would.
    sql("DELETE FROM reference WHERE id = " + ref);
    EXPECT_EQ(sql_value("SELECT count(*) FROM resource_records WHERE ref_id IS NULL"), "1");
}

TEST_F(Schema, RecordZiReferencesAreEnforcedPerStatement) {
    const auto zone = add_zone("r.test.");
    const auto zi = add_zi(zone);
    EXPECT_EQ(sql_error("INSERT INTO resource_records (zi_id, label, type, rdata) VALUES (" + zi +
                        ", 'a', 'A', '192.0.2.1'), (987654, 'b', 'A', '192.0.2.2')"),
              fk_violation);
    sql("INSERT INTO resource_records (zi_id, label, type, rdata) VALUES (" + zi +
        ", 'a', 'A', '192.0.2.1')");
    EXPECT_EQ(sql_error("UPDATE resource_records SET zi_id = 987654"), fk_violation);
    // Deleting the ZI deletes its records, as ON DELETE CASCADE would.
    sql("DELETE FROM zone_instances WHERE id = " + zi);
    EXPECT_EQ(sql_value("SELECT count(*) FROM resource_records"), "0");
}

TEST_F(Schema, CommentReferencesAreEnforcedPerStatement) {
    const auto zone = add_zone("k.test.");
    const auto zi = add_zi(zone);
    EXPECT_EQ(sql_error("INSERT INTO resource_records (zi_id, label, type, rdata, "
                        "comment_group_id) VALUES (" +
                        zi + ", 'a', 'A', '192.0.2.1', 999999)"),
              fk_violation);
    // A comment of no ZI, or of another ZI, is refused too.
    const auto other = add_zi(zone);
    const auto loose = sql_value("INSERT INTO rr_comments (comment) VALUES ('x') RETURNING id");
    const auto foreign = sql_value("INSERT INTO rr_comments (comment, zi_id) VALUES ('x', " +
                                   other + ") RETURNING id");
    for (const auto& bad : {loose, foreign}) {
        EXPECT_EQ(sql_error("INSERT INTO resource_records (zi_id, label, type, rdata, "
                            "comment_rr_id) VALUES (" +
                            zi + ", 'a', 'A', '192.0.2.1', " + bad + ")"),
                  fk_violation);
    }
    const auto c =
        sql_value("INSERT INTO rr_comments (comment, zi_id) VALUES ('x', " + zi + ") RETURNING id");
    sql("INSERT INTO resource_records (zi_id, label, type, rdata, comment_rr_id) VALUES (" + zi +
        ", 'a', 'A', '192.0.2.1', " + c + ")");
    EXPECT_EQ(sql_error("UPDATE resource_records SET comment_group_id = 999999"), fk_violation);
    // Deleting the comment clears the reference, as ON DELETE SET NULL would.
    sql("DELETE FROM rr_comments WHERE id = " + c);
    EXPECT_EQ(sql_value("SELECT count(*) FROM resource_records WHERE comment_rr_id IS NULL"), "1");
}

TEST_F(Schema, SectagsMustBeDefinedBeforeUse) {
    const auto zone = add_zone("s.test.");
    EXPECT_EQ(sql_error("INSERT INTO zone_sectags (zone_id, sectag) VALUES (" + zone + ", 'NOPE')"),
              fk_violation);
    sql("INSERT INTO zone_sectags (zone_id, sectag) VALUES (" + zone + ", 'HOSTED')");
    EXPECT_EQ(sql_error("INSERT INTO zone_sectags (sectag) VALUES ('HOSTED')"), unique_violation);
}

TEST_F(Schema, ReferencesAreUniqueIgnoringCase) {
    sql("INSERT INTO reference (reference) VALUES ('Customer-1')");
    EXPECT_EQ(sql_error("INSERT INTO reference (reference) VALUES ('CUSTOMER-1')"),
              unique_violation);
    EXPECT_EQ(sql_error("INSERT INTO reference (reference) VALUES ('-bad')"), check_violation);
}

TEST_F(Schema, ZoneCfgRules) {
    EXPECT_EQ(sql_error("INSERT INTO zone_cfg (key, value) VALUES ('soa_mname', 'ns.x.')"),
              check_violation);
    EXPECT_EQ(sql_error("INSERT INTO zone_cfg (key, value) VALUES ('zone_ttl', '2h')"),
              unique_violation);
    EXPECT_EQ(sql_error("INSERT INTO zone_cfg (key, value) VALUES ('no_such_key', '1')"),
              check_violation);
    // apex_ns is multi-valued, but not twice the same name.
    sql("INSERT INTO zone_cfg (key, value) VALUES ('apex_ns', 'ns3.someorg.net.')");
    EXPECT_EQ(sql_error("INSERT INTO zone_cfg (key, value) VALUES ('apex_ns', 'NS3.someorg.net.')"),
              unique_violation);
}

TEST_F(Schema, EnabledServersCannotShareAnAddress) {
    const std::string sg = "(SELECT id FROM server_groups WHERE name = 'someorg-one')";
    sql("INSERT INTO sm_servers (name, sg_id, address, state) VALUES ('ns1', " + sg +
        ", '127.0.0.2', 'OK')");
    sql("INSERT INTO sm_servers (name, sg_id, address) VALUES ('ns1-old', " + sg +
        ", '127.0.0.2')");
    EXPECT_EQ(sql_error("UPDATE sm_servers SET state = 'CONFIG' WHERE name = 'ns1-old'"),
              unique_violation);
}

TEST_F(Schema, EventQueueRules) {
    EXPECT_EQ(sql_error("INSERT INTO sm_event_queue (event_type) VALUES ('ZoneSMFrob')"),
              fk_violation);
    EXPECT_EQ(sql_error("INSERT INTO sm_event_queue (event_type, state) VALUES "
                        "('ZoneSMUpdate', 'SUCCESS')"),
              check_violation); // processed events need a processed time
    EXPECT_EQ(sql_error("INSERT INTO sm_event_queue (event_type, result_code) VALUES "
                        "('ZoneSMUpdate', 299)"),
              check_violation);
    sql("INSERT INTO sm_event_queue (event_type, parameters) VALUES ('ZoneSMUpdate', "
        "'{\"name\": \"a.test.\"}')");
    EXPECT_EQ(sql_error("INSERT INTO sm_event_queue (event_type, parameters) VALUES "
                        "('ZoneSMUpdate', '[1]')"),
              check_violation);
}

TEST_F(Schema, MasterRowIsASingleton) {
    EXPECT_EQ(sql_error("INSERT INTO sm_master (id) VALUES (2)"), check_violation);
    EXPECT_EQ(sql_error("UPDATE sm_master SET state = 'HOLD'"), check_violation); // no hold_stop
}

TEST_F(Schema, MtimeTriggers) {
    const auto zone = add_zone("m.test.");
    sql("UPDATE sm_zone SET mtime = '2000-01-01' WHERE id = " + zone);
    sql("UPDATE sm_zone SET state = 'UNCONFIG' WHERE id = " + zone); // not a tracked change
    EXPECT_EQ(sql_value("SELECT mtime < '2001-01-01' FROM sm_zone WHERE id = " + zone), "t");
    sql("UPDATE sm_zone SET edit_lock = true WHERE id = " + zone); // a flag: tracked
    EXPECT_EQ(sql_value("SELECT mtime > '2001-01-01' FROM sm_zone WHERE id = " + zone), "t");
}

} // namespace
} // namespace dms::test
