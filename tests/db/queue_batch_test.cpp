// SPDX-License-Identifier: GPL-3.0-or-later
// The db side of dmsd's zone event batches: claim_zones, savepoints, and the rows and
// results written with one statement each.
#include <tuple>

#include "queue_fixture.hpp"

namespace dms::test {
namespace {

TEST_F(Queue, ClaimZonesTakesTheOldestEventOfEachZoneAndPassesByBusyZones) {
    const auto x = add_zone("x.test.", "PUBLISHED");
    const auto y = add_zone("y.test.", "PUBLISHED");
    const auto busy = add_zone("busy.test.", "PUBLISHED");
    const auto x_old = add_event("ZoneSMUpdate", x, "-5 seconds");
    add_event("ZoneSMUpdate", busy, "-4 seconds"); // its zone is held: passed by
    const auto x_new = add_event("ZoneSMEditUpdate", x, "-3 seconds");
    const auto y_ev = add_event("ZoneSMUpdate", y, "-2 seconds");
    add_event("ZoneSMUpdate", y, "1 hour"); // not due
    OtherTransaction zone_tool(m_settings, [busy](db::Transaction& tx) {
        return db::zones::find_by_id(tx, busy, true).value().id;
    });
    ASSERT_EQ(zone_tool.held(), busy);
    session().transaction("claim", [&](db::Transaction& tx) {
        const auto events = db::queue::claim_zones(tx, 10);
        Ids ids;
        for (const auto& e : events) {
            ids.push_back(e.id);
        }
        EXPECT_EQ(ids, (Ids{x_old, y_ev})) << "one per zone, the oldest, oldest first";
        // The event not taken is not held: zone_tool still coalesces into it.
        OtherTransaction coalescing(m_settings, [x](db::Transaction& tx2) {
            return db::events::insert(tx2, zone_event("ZoneSMEditUpdate", x, "{}"));
        });
        EXPECT_EQ(coalescing.held(), x_new);
        // Both zones are held by this transaction now.
        for (const auto z : {x, y}) {
            OtherTransaction other(m_settings, [z](db::Transaction& tx2) {
                bool is_busy = false;
                return db::zones::try_lock(tx2, z, is_busy) ? 0 : is_busy ? 1 : 2;
            });
            EXPECT_EQ(other.held(), 1) << "zone " << z << " is not locked by the batch";
        }
        // The events taken are held: another transaction does not merge into them.
        OtherTransaction other_merge(m_settings, [y](db::Transaction& tx2) {
            return db::events::insert(tx2, zone_event("ZoneSMUpdate", y, "{}"));
        });
        EXPECT_NE(other_merge.held(), y_ev);
        EXPECT_EQ(other_merge.rollback(), "");
        // Nor do this transaction's own follow-ups (EventBuffer::running), while they
        // still merge into a pending event it does not run.
        db::EventBuffer buffer;
        for (const auto& e : events) {
            buffer.running(e.id);
        }
        buffer.add(zone_event("ZoneSMUpdate", x, "{}"));
        buffer.add(zone_event("ZoneSMEditUpdate", x, "{}"));
        buffer.flush(tx);
    });
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue WHERE zone_id = " + std::to_string(x) +
                        " AND event_type = 'ZoneSMUpdate'"),
              "2")
        << "a follow-up merged into the event being run";
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue WHERE zone_id = " + std::to_string(x) +
                        " AND event_type = 'ZoneSMEditUpdate'"),
              "1")
        << "the follow-up did not merge into the pending event";
    EXPECT_EQ(zone_tool.commit(), "");

    // `max` bounds the events looked at, oldest first.
    session().transaction("claim", [&](db::Transaction& tx) {
        const auto events = db::queue::claim_zones(tx, 1);
        ASSERT_EQ(events.size(), 1U);
        EXPECT_EQ(events[0].id, x_old);
    });
}

TEST_F(Queue, ClaimZonesRunsOneOfTwoZonesOfOneName) {
    const auto deleted = add_zone("same.test.", "DELETED");
    const auto live = add_zone("same.test.", "PUBLISHED");
    const auto first = add_event("ZoneSMRemoveZoneFiles", deleted, "-2 seconds");
    const auto second = add_event("ZoneSMUpdate", live, "-1 seconds");
    session().transaction("claim", [&](db::Transaction& tx) {
        const auto events = db::queue::claim_zones(tx, 10);
        ASSERT_EQ(events.size(), 1U);
        EXPECT_EQ(events[0].id, first);
    });
    EXPECT_EQ(event_field(second, "coalesce(claimed_by, '')"), "");
}

TEST_F(Queue, ASavepointRollsBackOnlyWhatWasDoneSinceIt) {
    const auto a = add_zone("a.test.", "PUBLISHED");
    const auto b = add_zone("b.test.", "PUBLISHED");
    const auto c = add_zone("c.test.", "PUBLISHED");
    const auto set_state = [](db::Transaction& tx, std::int64_t id, const std::string& state) {
        auto z = db::zones::find_by_id(tx, id).value();
        z.state = state;
        db::zones::update(tx, z);
    };
    session().transaction("savepoints", [&](db::Transaction& tx) {
        set_state(tx, a, "UPDATE");
        {
            db::Savepoint sp(tx);
            set_state(tx, b, "UPDATE");
            sp.rollback();
        }
        {
            db::Savepoint sp(tx);
            set_state(tx, c, "UPDATE");
            sp.release();
        }
        {
            db::Savepoint sp(tx); // neither: the destructor rolls back
            set_state(tx, a, "RESET");
        }
        EXPECT_EQ(db::zones::find_by_id(tx, b)->state, "PUBLISHED");
    });
    EXPECT_EQ(sql_value("SELECT string_agg(state, ',' ORDER BY name) FROM sm_zone"),
              "UPDATE,PUBLISHED,UPDATE");
}

TEST_F(Queue, UpdateManyWritesEveryColumnLikeUpdate) {
    const auto one = add_published("one.test.");
    const auto two = add_zone("two.test.", "BATCH_CREATE_2");
    const auto three = add_zone("three.test.", "DISABLED");
    auto [z1, z2, z3] = session().transaction("read", [&](db::Transaction& tx) {
        return std::tuple{db::zones::find_by_id(tx, one).value(),
                          db::zones::find_by_id(tx, two).value(),
                          db::zones::find_by_id(tx, three).value()};
    });
    // Nulls, quotes and backslashes, times; and the reverse of each.
    z1.state = "UPDATE";
    z1.zi_id.reset();
    z1.soa_serial = 4294967295;
    z1.lock_state = "EDIT_LOCK";
    z1.edit_lock_token = 77;
    z1.locked_by = R"(o"ne\ {x,y} NULL)";
    z1.locked_at = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    z1.sg_id.reset();
    z1.use_apex_ns = !z1.use_apex_ns;
    z1.nsec3 = true;
    z2.state = "PUBLISHED";
    z2.zi_id = add_zi(two);
    z2.zi_candidate_id = z2.zi_id;
    z2.zone_files = true;
    z3.state = "DELETED";
    z3.deleted_start = std::chrono::system_clock::time_point(std::chrono::seconds(1600000000));
    const auto expected = [&](const db::ZoneRecord& z) {
        return std::tuple{
            z.state,      z.zi_id,           z.zi_candidate_id, z.soa_serial,  z.use_apex_ns,
            z.edit_lock,  z.auto_dnssec,     z.nsec3,           z.inc_updates, z.zone_files,
            z.lock_state, z.edit_lock_token, z.locked_by,       z.locked_at,   z.sg_id,
            z.alt_sg_id,  z.ref_id,          z.deleted_start,   z.name};
    };
    session().transaction("update", [&](db::Transaction& tx) {
        db::zones::update_many(tx, {z1, z2, z3});
    });
    session().transaction("check", [&](db::Transaction& tx) {
        const auto found = db::zones::find_by_ids(tx, {one, two, three, 999999});
        ASSERT_EQ(found.size(), 3U);
        for (const auto& f : found) {
            const auto& want = f.id == one ? z1 : f.id == two ? z2 : z3;
            EXPECT_EQ(expected(f), expected(want)) << f.name;
        }
    });
}

TEST_F(Queue, FinishManyRecordsEachOutcome) {
    const auto z = add_zone("f.test.", "PUBLISHED");
    const auto e1 = add_event("ZoneSMUpdate", z);
    const auto e2 = add_event("ZoneSMEditUpdate", z);
    const auto untouched = add_event("ZoneSMUpdate", std::nullopt);
    session().transaction("finish", [&](db::Transaction& tx) {
        db::queue::finish_many(tx,
                               {{e1, "SUCCESS", 200, R"({"message":"a \"quoted\" {x}"})"},
                                {e2, "FAILURE", 550, R"({"message":"b"})"}},
                               test_worker);
    });
    EXPECT_EQ(event_field(e1, "state || ' ' || result_code || ' ' || (results->>'message')"),
              R"(SUCCESS 200 a "quoted" {x})");
    EXPECT_EQ(event_field(e2, "state || ' ' || result_code || ' ' || (results->>'message')"),
              "FAILURE 550 b");
    EXPECT_EQ(event_field(e1, "claimed_by || ' ' || (processed IS NOT NULL)"),
              std::string(test_worker) + " true");
    EXPECT_EQ(event_field(untouched, "processed IS NULL"), "t");
}

} // namespace
} // namespace dms::test
