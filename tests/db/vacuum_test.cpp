// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool vacuum_* against a throwaway database (REFERENCE.md 7.9): rows are aged by
// hand (SQL), then each vacuum must remove exactly the rows past their age and keep
// everything else: pending events, live zones, published and candidate ZIs, each
// zone's newest ZIs, zones whose files still exist, audit rows under 30 days.
#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;

class Vacuum : public ZoneToolDbTest {
protected:
    std::string count(const std::string& from_where) {
        return sql_value("SELECT count(*) FROM " + from_where);
    }
    std::string zone_id(const std::string& zone) {
        return sql_value("SELECT id FROM sm_zone WHERE name = '" + zone + "'");
    }
    /// The --json result of one vacuum command (its only element).
    boost::json::object run_json(const std::vector<std::string>& args) {
        auto with = args;
        with.insert(with.begin() + 1, {"--json", "-f"});
        const auto r = zt(with);
        EXPECT_EQ(r.status, 0) << r.err;
        const auto v = boost::json::parse(r.out);
        return v.as_array().at(0).as_object();
    }
    /// n new ZIs of `zone` through load_zone_zi (each with its records).
    void add_zis(const std::string& zone, int n) {
        for (int i = 0; i < n; ++i) {
            const auto file = m_dir.write(
                "z.zone", "$TTL 300\n@ SOA ns1.example.net. hostmaster.example.net. 1 7200 900 "
                          "604800 300\n@ NS ns1.example.net.\nwww A 192.0.2." +
                              std::to_string(i + 1) + "\n");
            const auto r = zt({"load_zone_zi", file, zone});
            ASSERT_EQ(r.status, 0) << r.err;
        }
    }
};

TEST_F(Vacuum, EventQueueRemovesOnlyProcessedEventsPastTheAgeInBatches) {
    ASSERT_EQ(zt({"create_zone", "ev.test."}).status, 0);
    // 250 old processed events of each ending, 10 recent ones, 5 old pending ones.
    sql("INSERT INTO sm_event_queue (event_type, state, processed, created)"
        " SELECT 'ZoneSMUpdate', s, now() - interval '200 days', now() - interval '200 days'"
        " FROM unnest(ARRAY['SUCCESS', 'FAILURE', 'CANCELLED']) s, generate_series(1, 250)");
    sql("INSERT INTO sm_event_queue (event_type, state, processed)"
        " SELECT 'ZoneSMUpdate', 'SUCCESS', now() - interval '10 days' FROM generate_series(1, "
        "10)");
    sql("INSERT INTO sm_event_queue (event_type, created, scheduled)"
        " SELECT 'ZoneSMUpdate', now() - interval '300 days', now() - interval '300 days'"
        " FROM generate_series(1, 5)");
    const auto pending = count("sm_event_queue WHERE processed IS NULL");
    const auto recent = count("sm_event_queue WHERE processed > now() - interval '120 days'");

    // zone_cfg event_max_age (120 days), 100 rows per transaction.
    const auto r = run_json({"vacuum_event_queue", "-b", "100"});
    EXPECT_EQ(r.at("removed").as_int64(), 750);
    EXPECT_EQ(r.at("batches").as_int64(), 8) << "750 rows, at most 100 a transaction";
    EXPECT_EQ(r.at("age_days").as_double(), 120.0);
    EXPECT_EQ(count("sm_event_queue WHERE processed < now() - interval '120 days'"), "0");
    EXPECT_EQ(count("sm_event_queue WHERE processed IS NULL"), pending) << "pending stay";
    EXPECT_EQ(count("sm_event_queue WHERE processed > now() - interval '120 days'"), recent);

    // An age on the command line: the 10-day-old ones go at 5 days.
    const auto again = zt({"vacuum_event_queue", "-f", "5"});
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_THAT(again.out, HasSubstr("vacuum_event_queue: 10 events removed (older than 5 days)"));
    // Audited, with the count.
    EXPECT_EQ(count("dms_audit.audit_log WHERE operation = 'vacuum_event_queue'"), "2");
    // Bad ages are refused before anything is done.
    EXPECT_EQ(zt({"vacuum_event_queue", "-f", "-3"}).status, 64);
    EXPECT_EQ(zt({"vacuum_event_queue", "-f", "ten"}).status, 64);
}

TEST_F(Vacuum, ZonesGoWhenNukedOrDeletedLongAgoAndTheirFilesFirst) {
    for (const auto* z :
         {"recent.test.", "old.test.", "nuked.test.", "files.test.", "live.test."}) {
        ASSERT_EQ(zt({"create_zone", z}).status, 0);
    }
    add_zis("old.test.", 3);
    const auto old_id = zone_id("old.test.");
    const auto files_id = zone_id("files.test.");
    sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE processed IS NULL");
    sql("UPDATE sm_zone SET state = 'DELETED', zone_files = false, deleted_start = now() - "
        "interval '10 days' WHERE name = 'recent.test.'");
    sql("UPDATE sm_zone SET state = 'DELETED', zone_files = false, deleted_start = now() - "
        "interval '400 days' WHERE name = 'old.test.'");
    sql("UPDATE sm_zone SET state = 'DELETED', zone_files = false, deleted_start = NULL"
        " WHERE name = 'nuked.test.'");
    sql("UPDATE sm_zone SET state = 'DELETED', zone_files = true, deleted_start = now() - "
        "interval '400 days' WHERE name = 'files.test.'");
    ASSERT_NE(count("resource_records r JOIN zone_instances zi ON zi.id = r.zi_id WHERE "
                    "zi.zone_id = " +
                    old_id),
              "0");

    // zone_cfg zone_del_age is 0 ("off"): only the nuked zone.
    auto r = run_json({"vacuum_zones", "-v"});
    EXPECT_EQ(r.at("removed").as_int64(), 1);
    ASSERT_EQ(r.at("zones").as_array().size(), 1U);
    EXPECT_EQ(r.at("zones").as_array()[0].as_string(), "nuked.test.");
    EXPECT_EQ(count("sm_zone WHERE name = 'nuked.test.'"), "0");
    EXPECT_EQ(count("sm_zone"), "4");

    // 30 days: the old one goes with its ZIs and records; the one with files does not,
    // its files' removal is queued; the recent and live ones stay.
    r = run_json({"vacuum_zones", "30"});
    EXPECT_EQ(r.at("removed").as_int64(), 1);
    EXPECT_EQ(r.at("zones").as_array()[0].as_string(), "old.test.");
    ASSERT_EQ(r.at("files_queued").as_array().size(), 1U);
    EXPECT_EQ(r.at("files_queued").as_array()[0].as_string(), "files.test.");
    EXPECT_EQ(count("sm_zone WHERE id = " + old_id), "0");
    EXPECT_EQ(count("zone_instances WHERE zone_id = " + old_id), "0");
    EXPECT_EQ(count("resource_records r WHERE NOT EXISTS (SELECT 1 FROM zone_instances zi"
                    " WHERE zi.id = r.zi_id) AND r.zi_id IS NOT NULL"),
              "0")
        << "no record outlives its ZI";
    EXPECT_EQ(count("sm_zone WHERE name IN ('recent.test.', 'files.test.', 'live.test.')"), "3");
    EXPECT_EQ(count("sm_event_queue WHERE processed IS NULL AND event_type = "
                    "'ZoneSMRemoveZoneFiles' AND zone_id = " +
                    files_id),
              "1");
    // Once dmsd has removed them, the next vacuum destroys it.
    sql("UPDATE sm_zone SET zone_files = false WHERE id = " + files_id);
    r = run_json({"vacuum_zones", "30"});
    EXPECT_EQ(r.at("removed").as_int64(), 1);
    EXPECT_EQ(count("sm_zone WHERE id = " + files_id), "0");
    EXPECT_EQ(count("sm_zone"), "2");
}

TEST_F(Vacuum, ZisBeyondTheNewestThatArePastTheAgeGoButNeverPublishedOrCandidate) {
    ASSERT_EQ(zt({"create_zone", "zis.test."}).status, 0);
    add_zis("zis.test.", 29); // 30 ZIs
    const auto id = zone_id("zis.test.");
    ASSERT_EQ(count("zone_instances WHERE zone_id = " + id), "30");
    // The oldest ZI is the published one; the newest is the candidate (load_zone_zi).
    const auto oldest = sql_value("SELECT min(id) FROM zone_instances WHERE zone_id = " + id);
    sql("UPDATE sm_zone SET zi_id = " + oldest + " WHERE id = " + id);
    // The 20 oldest are 100 days old, the rest recent.
    sql("UPDATE zone_instances SET mtime = now() - interval '100 days', ctime = ctime - "
        "interval '100 days' WHERE id IN (SELECT id FROM zone_instances WHERE zone_id = " +
        id + " ORDER BY id LIMIT 20)");

    // zone_cfg: 90 days, newest 25 kept: of the 5 beyond the newest 25, all old, one
    // published -> 4 go.
    auto r = run_json({"vacuum_zis"});
    EXPECT_EQ(r.at("removed").as_int64(), 4);
    EXPECT_EQ(count("zone_instances WHERE zone_id = " + id), "26");
    EXPECT_EQ(count("zone_instances WHERE id = " + oldest), "1") << "published stays";
    // Keep 10: the 15 beyond the newest 10 are 15 old minus the published one, all old.
    r = run_json({"vacuum_zis", "90", "10"});
    EXPECT_EQ(r.at("removed").as_int64(), 15);
    EXPECT_EQ(count("zone_instances WHERE zone_id = " + id), "11");
    // Keep 2 at 30 days: the remaining ones beyond the newest 2 are recent but for the
    // published one: nothing goes.
    r = run_json({"vacuum_zis", "30", "2"});
    EXPECT_EQ(r.at("removed").as_int64(), 0);
    // The candidate is never removed, even when old and beyond the newest.
    sql("UPDATE zone_instances SET mtime = now() - interval '100 days' WHERE zone_id = " + id);
    const auto candidate = sql_value("SELECT zi_candidate_id FROM sm_zone WHERE id = " + id);
    r = run_json({"vacuum_zis", "30", "0"});
    EXPECT_EQ(count("zone_instances WHERE zone_id = " + id), "2");
    EXPECT_EQ(count("zone_instances WHERE id IN (" + oldest + ", " + candidate + ")"), "2");
    EXPECT_EQ(count("resource_records WHERE zi_id IS NOT NULL AND zi_id NOT IN (SELECT id "
                    "FROM zone_instances)"),
              "0");
    EXPECT_EQ(zt({"vacuum_zis", "-f", "30", "2.5"}).status, 64);
}

TEST_F(Vacuum, PareLeavesDeletedZonesOnlyTheirPublishedAndCandidateZis) {
    for (const auto* z : {"pare.test.", "young.test."}) {
        ASSERT_EQ(zt({"create_zone", z}).status, 0);
        add_zis(z, 4);
    }
    const auto id = zone_id("pare.test.");
    const auto young = zone_id("young.test.");
    sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE processed IS NULL");
    const auto published = sql_value("SELECT min(id) FROM zone_instances WHERE zone_id = " + id);
    sql("UPDATE sm_zone SET zi_id = " + published + " WHERE id = " + id);
    sql("UPDATE sm_zone SET state = 'DELETED', deleted_start = now() - interval '100 days'"
        " WHERE id = " +
        id);
    sql("UPDATE sm_zone SET state = 'DELETED', deleted_start = now() - interval '10 days'"
        " WHERE id = " +
        young);
    auto r = run_json({"vacuum_pare_deleted_zone_zis"}); // zone_del_pare_age 90
    EXPECT_EQ(r.at("removed").as_int64(), 3);
    EXPECT_EQ(count("zone_instances WHERE zone_id = " + id), "2");
    EXPECT_EQ(count("zone_instances WHERE zone_id = " + young), "5");
    // zone_del_pare_age 0: off.
    ASSERT_EQ(zt({"set_config", "zone_del_pare_age", "0"}).status, 0);
    r = run_json({"vacuum_pare_deleted_zone_zis"});
    EXPECT_EQ(r.at("removed").as_int64(), 0);
    EXPECT_THAT(std::string(r.at("note").as_string()), HasSubstr("off"));
    EXPECT_EQ(count("zone_instances WHERE zone_id = " + young), "5");
}

TEST_F(Vacuum, AuditKeepsTheLast30DaysWhateverTheAge) {
    sql("INSERT INTO dms_audit.audit_log (at, change_by, operation) SELECT now() - make_interval("
        "days => d), 'x@y/Admin', 'old' FROM generate_series(1, 200) d");
    // syslog_max_age 120: days 120..200 go (day 120 was written a moment before).
    auto r = run_json({"vacuum_audit"});
    EXPECT_EQ(r.at("removed").as_int64(), 81);
    // 5 days asked: only down to 30 (days 30..119).
    r = run_json({"vacuum_syslog", "5"});
    EXPECT_EQ(r.at("removed").as_int64(), 90);
    EXPECT_EQ(count("dms_audit.audit_log WHERE operation = 'old'"), "29");
    EXPECT_EQ(count("dms_audit.audit_log WHERE operation = 'old' AND at < now() - interval "
                    "'30 days'"),
              "0");
}

TEST_F(Vacuum, AllRunsEveryVacuumWithoutAsking) {
    const auto r = zt({"vacuum_all", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto v = boost::json::parse(r.out).as_array();
    ASSERT_EQ(v.size(), 5U);
    EXPECT_EQ(v[0].as_object().at("operation").as_string(), "vacuum_event_queue");
    EXPECT_EQ(v[4].as_object().at("operation").as_string(), "vacuum_audit");
    const auto text = zt({"vacuum_all"});
    EXPECT_EQ(text.status, 0) << text.err;
    EXPECT_THAT(text.out, HasSubstr("vacuum_zis: 0 zone instances removed (older than 90 days)"));
}

} // namespace
} // namespace dms::test
