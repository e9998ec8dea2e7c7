// SPDX-License-Identifier: GPL-3.0-or-later
// The event queue on a real database, continued: waking zones after a master reconfig,
// the reconciler's queries, counts for show_master_status, NOTIFY, and the master's
// zone list.
#include "queue_fixture.hpp"

namespace dms::test {
namespace {

// --- waking after a master reconfig -----------------------------------------------------

TEST_F(Queue, WakeAfterReconfigMovesOnlyTheEventsThatWaited) {
    const auto configured = add_zone("conf.test.", "UNCONFIG");
    const auto unconfigured = add_zone("unconf.test.", "RESET");
    const auto other = add_zone("other.test.", "UNCONFIG");
    const std::string later = "1 hour";
    const Ids woken = {add_event("ZoneSMReconfigUpdate", configured, later),
                       add_event("ZoneSMReconfigCheck", configured, later),
                       add_event("ZoneSMConfig", unconfigured, later),
                       add_event("ZoneSMRemoveZoneFiles", unconfigured, later)};
    const Ids untouched = {
        add_event("ZoneSMConfig", configured, later),
        add_event("ZoneSMUpdate", configured, later),
        add_event("ZoneSMReconfigUpdate", unconfigured, later),
        add_event("ZoneSMReconfigUpdate", other, later),
        add_event("ZoneSMConfig", other, later),
        std::stoll(sql_value("INSERT INTO sm_event_queue (event_type, zone_id, scheduled, state, "
                             "processed) VALUES ('ZoneSMReconfigUpdate', " +
                             std::to_string(configured) +
                             ", now() + interval '1 hour', 'CANCELLED', now()) RETURNING id"))};
    const auto overdue = add_event("ZoneSMReconfigCheck", configured, "-10 seconds");

    const auto wake = [&](const Ids& conf, const Ids& unconf) {
        return session().transaction("wake", [&](db::Transaction& tx) {
            return db::queue::wake_after_reconfig(tx, conf, unconf);
        });
    };
    EXPECT_EQ(wake({configured}, {unconfigured}), woken.size());
    for (const auto id : woken) {
        EXPECT_LE(due_in(id), 0.0) << "event " << id << " not woken";
    }
    for (const auto id : untouched) {
        EXPECT_GT(due_in(id), 3500.0) << "event " << id << " moved";
    }
    EXPECT_LT(due_in(overdue), -9.0) << "an overdue event lost its place in the queue";
    EXPECT_EQ(wake({}, {}), 0U);
    EXPECT_EQ(wake({configured}, {unconfigured}), 0U) << "woken twice";
}

TEST_F(Queue, WakeAfterReconfigSkipsHeldEvents) {
    const auto z = add_zone("wake-held.test.", "UNCONFIG");
    const auto held = add_event("ZoneSMReconfigUpdate", z, "1 hour");
    const auto unheld = add_event("ZoneSMReconfigCheck", z, "1 hour");
    OtherTransaction other(m_settings, [held](db::Transaction& tx) {
        db::events::reschedule(tx, held, std::chrono::hours(2));
        return held;
    });
    ASSERT_EQ(other.held(), held);
    const auto wake = [&] {
        return session().transaction("wake", [&](db::Transaction& tx) {
            return db::queue::wake_after_reconfig(tx, {z}, {});
        });
    };
    EXPECT_EQ(wake(), 1U);
    EXPECT_LE(due_in(unheld), 0.0);
    EXPECT_GT(due_in(held), 3500.0);
    EXPECT_EQ(other.rollback(), "");
    EXPECT_EQ(wake(), 1U);
    EXPECT_LE(due_in(held), 0.0);
}

// --- the reconciler's queries -----------------------------------------------------------

TEST_F(Queue, MissingFollowUpsFollowTheZoneState) {
    add_zone("create.test.", "CREATE");
    add_event("ZoneSMConfig", add_zone("create-queued.test.", "CREATE"), "1 hour");
    add_done_event("ZoneSMConfig", add_zone("create-done.test.", "CREATE"), "SUCCESS");
    add_event("ZoneSMUpdate", add_zone("create-other.test.", "CREATE"));
    add_zone("reset.test.", "RESET");
    add_zone("unconfig.test.", "UNCONFIG");
    add_zone("batch1.test.", "BATCH_CREATE_1");
    add_zone("batch2.test.", "BATCH_CREATE_2");
    const auto candidate = add_published("new-candidate.test.", true);
    add_published("published.test.");
    const auto files = add_zone("disabled-files.test.", "DISABLED");
    sql("UPDATE sm_zone SET zone_files = true WHERE id = " + std::to_string(files));
    add_zone("disabled.test.", "DISABLED");
    add_zone("init.test.", "INIT");

    const auto found = missing(false);
    const std::multimap<std::string, std::string> expected{
        {"create.test.", "ZoneSMConfig"},
        {"create-done.test.", "ZoneSMConfig"},
        {"create-other.test.", "ZoneSMConfig"},
        {"reset.test.", "ZoneSMConfig"},
        {"unconfig.test.", "ZoneSMReconfigUpdate"},
        {"batch1.test.", "ZoneSMBatchConfig"},
        {"batch2.test.", "ZoneSMReconfigCheck"},
        {"new-candidate.test.", "ZoneSMUpdate"},
        {"disabled-files.test.", "ZoneSMRemoveZoneFiles"},
    };
    EXPECT_EQ(by_name(found), expected);
    for (const auto& m : found) {
        EXPECT_EQ(m.delay, 0ms) << m.name;
        EXPECT_TRUE(still_missing(m, false)) << m.name;
        if (m.name == "new-candidate.test.") {
            EXPECT_EQ(m.sm_id, candidate);
            EXPECT_EQ(m.state, "PUBLISHED");
            EXPECT_EQ(m.zi_candidate_id,
                      std::stoll(sql_value("SELECT zi_candidate_id FROM sm_zone WHERE id = " +
                                           std::to_string(candidate))));
        }
    }

    // Once the event is queued, nothing is missing any more.
    add_event("ZoneSMUpdate", candidate, "10 seconds");
    add_event("ZoneSMRemoveZoneFiles", files);
    for (const auto& m : found) {
        if (m.sm_id == candidate || m.sm_id == files) {
            EXPECT_FALSE(still_missing(m, false)) << m.name;
        }
    }
    const auto after = by_name(missing(false));
    EXPECT_EQ(after.size(), expected.size() - 2);
    EXPECT_FALSE(after.contains("new-candidate.test."));
    EXPECT_FALSE(after.contains("disabled-files.test."));
}

TEST_F(Queue, MissingEditLockTimeoutOnlyWhenLocksTimeOut) {
    const auto z = add_published("edit.test.");
    sql("UPDATE sm_zone SET lock_state = 'EDIT_LOCK', edit_lock_token = 4242, locked_by = "
        "'me/Admin', locked_at = now() WHERE id = " +
        std::to_string(z));
    EXPECT_TRUE(missing(false).empty());
    const auto found = missing(true);
    ASSERT_EQ(found.size(), 1U);
    const auto& m = found[0];
    EXPECT_EQ(m.sm_id, z);
    EXPECT_EQ(m.name, "edit.test.");
    EXPECT_EQ(m.state, "EDIT_LOCK");
    EXPECT_EQ(m.event_type, "ZoneSMEditTimeout");
    EXPECT_EQ(m.edit_lock_token, 4242);
    EXPECT_TRUE(still_missing(m, true));
    EXPECT_FALSE(still_missing(m, false));

    add_event("ZoneSMEditTimeout", z, "30 minutes");
    EXPECT_TRUE(missing(true).empty());
    EXPECT_FALSE(still_missing(m, true));
}

TEST_F(Queue, MissingServerFollowUpsFollowTheServerState) {
    const auto sg = sql_value("SELECT id FROM server_groups WHERE name = 'someorg-one'");
    const auto add = [&](const std::string& name, const std::string& address,
                         const std::string& state) {
        return std::stoll(
            sql_value("INSERT INTO sm_servers (name, sg_id, address, state) VALUES ('" + name +
                      "', " + sg + ", '" + address + "', '" + state + "') RETURNING id"));
    };
    add("off", "192.0.2.1", "DISABLED");
    const auto ok = add("ok", "192.0.2.2", "OK");
    const auto retry = add("retry", "192.0.2.3", "RETRY");
    std::map<std::string, std::string> need;
    for (const auto& m : missing(false)) {
        need[m.name] = m.event_type;
    }
    EXPECT_EQ(need, (std::map<std::string, std::string>{{"ok", "ServerSMCheckServer"},
                                                        {"retry", "ServerSMConfigure"}}))
        << "a disabled server needs nothing";
    const auto found = missing(false);
    for (const auto& m : found) {
        EXPECT_TRUE(still_missing(m, false)) << m.name;
    }
    sql("INSERT INTO sm_event_queue (event_type, server_id, scheduled) VALUES "
        "('ServerSMCheckServer', " +
        std::to_string(ok) +
        ", now() + interval '5 minutes'), "
        "('ServerSMConfigure', " +
        std::to_string(retry) + ", now() + interval '1 minute')");
    EXPECT_TRUE(missing(false).empty());
    for (const auto& m : found) {
        EXPECT_FALSE(still_missing(m, false)) << m.name;
    }
}

TEST_F(Queue, MissingMasterHoldTimeout) {
    EXPECT_TRUE(missing(false).empty());
    sql("UPDATE sm_master SET state = 'HOLD', hold_sg = -1, hold_start = now(),"
        " hold_stop = now() + interval '90 seconds'");
    const auto found = missing(false);
    ASSERT_EQ(found.size(), 1U);
    const auto& m = found[0];
    EXPECT_EQ(m.event_type, "MasterSMHoldTimeout");
    EXPECT_EQ(m.sm_id, 1);
    EXPECT_EQ(m.name, "");
    EXPECT_EQ(m.state, "HOLD");
    EXPECT_GT(m.delay, 85s) << "due when the hold stops";
    EXPECT_LE(m.delay, 90s) << "due when the hold stops";
    EXPECT_TRUE(still_missing(m, false));

    const auto timeout = add_master_event("MasterSMHoldTimeout", "90 seconds");
    EXPECT_TRUE(missing(false).empty());
    EXPECT_FALSE(still_missing(m, false));

    // The hold should have ended already: repair now.
    sql("UPDATE sm_event_queue SET state = 'CANCELLED', processed = now() WHERE id = " +
        std::to_string(timeout));
    sql("UPDATE sm_master SET hold_stop = now() - interval '5 seconds'");
    const auto overdue = missing(false);
    ASSERT_EQ(overdue.size(), 1U);
    EXPECT_EQ(overdue[0].delay, 0ms);
}

TEST_F(Queue, MissingFollowUpsCoolDownAfterAFailure) {
    const auto failing = add_zone("failing.test.", "CREATE");
    add_done_event("ZoneSMConfig", failing, "FAILURE", "10 seconds", 450);
    const auto failed_long_ago = add_zone("failed-long-ago.test.", "CREATE");
    add_done_event("ZoneSMConfig", failed_long_ago, "FAILURE", "1 hour", 450);

    std::map<std::string, milliseconds> delay;
    for (const auto& m : missing(false, 60s)) {
        delay[m.name] = m.delay;
    }
    ASSERT_EQ(delay.size(), 2U);
    EXPECT_GT(delay["failing.test."], 45s) << "60 s after the failure, 10 s ago";
    EXPECT_LE(delay["failing.test."], 50s) << "60 s after the failure, 10 s ago";
    EXPECT_EQ(delay["failed-long-ago.test."], 0ms);
    for (const auto& m : missing(false, 5s)) {
        EXPECT_EQ(m.delay, 0ms) << m.name << ": the cooldown is over";
    }
}

TEST_F(Queue, MissingFollowUpsHonoursTheLimit) {
    for (const auto* name : {"a.test.", "b.test.", "c.test.", "d.test.", "e.test."}) {
        add_zone(name, "CREATE");
    }
    sql("UPDATE sm_master SET state = 'HOLD', hold_stop = now() + interval '1 minute'");
    EXPECT_EQ(missing(false, 0ms, 100).size(), 6U);
    EXPECT_EQ(missing(false, 0ms, 3).size(), 3U);
    EXPECT_EQ(missing(false, 0ms, 1).size(), 1U);
}

// --- status ----------------------------------------------------------------------------

TEST_F(Queue, CountsForStatus) {
    const auto empty = counts();
    EXPECT_EQ(empty.pending, 0);
    EXPECT_EQ(empty.retrying, 0);
    EXPECT_EQ(empty.failed, 0);
    EXPECT_EQ(empty.no_transition, 0);
    EXPECT_EQ(empty.repairs, 0);

    const auto z = add_zone("counts.test.", "PUBLISHED");
    add_event("ZoneSMUpdate", z, "1 hour");
    sql("INSERT INTO sm_event_queue (event_type, zone_id, state, attempts) VALUES "
        "('ZoneSMConfig', " +
        std::to_string(z) + ", 'RETRY', 3)");
    add_done_event("ZoneSMConfig", z, "FAILURE", "1 minute", 450);
    add_done_event("ZoneSMUpdate", z, "FAILURE", "1 minute", 550);
    add_done_event("ZoneSMUpdate", z, "CANCELLED");
    add_done_event("ZoneSMConfig", z, "SUCCESS", "0 seconds", 220,
                   R"({"message": "no transition for ZoneSMConfig in state PUBLISHED"})");
    add_done_event("ZoneSMConfig", z, "SUCCESS", "0 seconds", 220,
                   R"({"message": "zone already configured"})");
    add_done_event("ZoneSMConfig", z, "SUCCESS", "0 seconds", 200,
                   R"({"message": "no transition taken"})");
    sql("INSERT INTO audit_log (change_by, operation, subject) VALUES"
        " ('dmsd', 'reconcile', 'counts.test.'), ('dmsd', 'reconcile', 'MasterSM'),"
        " ('me/Admin', 'create_zone', 'counts.test.')");

    const auto c = counts();
    EXPECT_EQ(c.pending, 2);
    EXPECT_EQ(c.retrying, 1);
    EXPECT_EQ(c.failed, 2);
    EXPECT_EQ(c.no_transition, 1);
    EXPECT_EQ(c.repairs, 2);
}

// --- NOTIFY ----------------------------------------------------------------------------

TEST_F(Queue, CommittedPendingEventsNotifyDmsd) {
    auto listener = db::Listener::open(m_settings, "dms_events");
    EXPECT_EQ(listener.consume(), 0);
    const auto z = add_zone("notify.test.", "UNCONFIG");

    db::NewEvent queued;
    queued.event_type = "ZoneSMReconfigUpdate";
    queued.zone_id = z;
    const auto e = insert(queued);
    EXPECT_GT(wait_for_notifications(listener, 1s), 0) << "no notification within a second";

    // Processed at once (a synchronous event): nothing for dmsd to do, no notification.
    db::NewEvent sync;
    sync.event_type = "ZoneSMEdit";
    sync.zone_id = z;
    sync.done = db::NewEvent::Done{"SUCCESS", 200, "{}"};
    insert(sync);
    EXPECT_EQ(wait_for_notifications(listener, 300ms), 0);
    // Nor from a transaction that rolled back.
    EXPECT_ANY_THROW(session().transaction("rolled back", [&](db::Transaction& tx) {
        db::events::insert(tx, queued);
        throw std::runtime_error("roll back");
    }));
    // Notifications arrive in commit order: had either sent one, the next insert would
    // bring two. Three events in one transaction bring one.
    session().transaction("three", [&](db::Transaction& tx) {
        for (int i = 0; i < 3; ++i) {
            db::events::insert(tx, queued);
        }
    });
    EXPECT_EQ(wait_for_notifications(listener, 1s), 1);

    // Finishing an event leaves nothing pending to announce; a retry does.
    session().transaction("finish", [&](db::Transaction& tx) {
        db::queue::finish(tx, e, "SUCCESS", 200, "{}", "worker-1");
    });
    EXPECT_EQ(wait_for_notifications(listener, 300ms), 0);
    const auto retried = add_event("ZoneSMReconfigCheck", z, "-1 seconds");
    EXPECT_EQ(wait_for_notifications(listener, 1s), 1);
    session().transaction("retry", [&](db::Transaction& tx) {
        db::queue::retry_later(tx, retried, 10s, "busy", "worker-1");
    });
    EXPECT_EQ(wait_for_notifications(listener, 1s), 1);

    // Claiming is no news to the other workers; waking events after a reconfig is.
    EXPECT_TRUE(claim_id());
    EXPECT_EQ(wait_for_notifications(listener, 300ms), 0);
    session().transaction("wake", [&](db::Transaction& tx) {
        EXPECT_EQ(db::queue::wake_after_reconfig(tx, {z}, {}), 1U);
    });
    EXPECT_EQ(wait_for_notifications(listener, 1s), 1);
}

// --- the master's zone list ------------------------------------------------------------

TEST_F(Queue, MasterConfigListsServedZonesAndZonesWaitingToBeDropped) {
    // Names inserted out of order: the list is by name.
    add_zone("u-update.test.", "UPDATE");
    add_published("p-published.test.");
    add_zone("i-init.test.", "INIT");
    add_zone("b-batch2.test.", "BATCH_CREATE_2");
    const auto unconfig = add_zone("n-unconfig.test.", "UNCONFIG");
    sql("UPDATE sm_zone SET auto_dnssec = true WHERE id = " + std::to_string(unconfig));
    const auto reset_waiting = add_zone("r-reset.test.", "RESET");
    add_event("ZoneSMConfig", reset_waiting, "1 hour");
    const auto disabled_waiting = add_zone("d-disabled.test.", "DISABLED");
    add_event("ZoneSMRemoveZoneFiles", disabled_waiting);
    // Not listed: nothing waits for named to drop them.
    add_done_event("ZoneSMConfig", add_zone("s-reset-done.test.", "RESET"), "SUCCESS");
    add_event("ZoneSMUpdate", add_zone("x-disabled.test.", "DISABLED"));
    add_zone("c-create.test.", "CREATE");
    add_zone("e-deleted.test.", "DELETED");
    // A served zone with such an event is listed once, as served.
    add_event("ZoneSMConfig", add_zone("a-unconfig.test.", "UNCONFIG"));

    const auto list = session().transaction(
        "master_config", [](db::Transaction& tx) { return db::zones::master_config(tx); });
    std::vector<std::string> listed;
    for (const auto& z : list) {
        listed.push_back(z.name + " " + z.state + (z.configured ? " configured" : " dropped"));
    }
    const std::vector<std::string> expected{
        "a-unconfig.test. UNCONFIG configured", "b-batch2.test. BATCH_CREATE_2 configured",
        "d-disabled.test. DISABLED dropped",    "i-init.test. INIT configured",
        "n-unconfig.test. UNCONFIG configured", "p-published.test. PUBLISHED configured",
        "r-reset.test. RESET dropped",          "u-update.test. UPDATE configured",
    };
    EXPECT_EQ(listed, expected);
    const auto sg =
        std::stoll(sql_value("SELECT id FROM server_groups WHERE name = 'someorg-one'"));
    for (const auto& z : list) {
        EXPECT_EQ(z.sg_id, sg) << z.name;
        EXPECT_FALSE(z.alt_sg_id) << z.name;
        EXPECT_EQ(z.auto_dnssec, z.id == unconfig) << z.name;
    }

    // Once its event has run, the zone is no longer listed.
    sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE zone_id = " +
        std::to_string(disabled_waiting));
    const auto after = session().transaction(
        "master_config", [](db::Transaction& tx) { return db::zones::master_config(tx); });
    EXPECT_EQ(after.size(), expected.size() - 1);
    for (const auto& z : after) {
        EXPECT_NE(z.id, disabled_waiting);
    }
}

TEST_F(Queue, SamplePublishedPicksOnlyPublishedZonesWithASerial) {
    const std::set<std::string> published{"s1.test.", "s2.test.", "s3.test."};
    for (const auto& name : published) {
        add_published(name);
    }
    const auto no_serial = add_published("no-serial.test.");
    sql("UPDATE sm_zone SET soa_serial = NULL WHERE id = " + std::to_string(no_serial));
    const auto unconfig = add_zone("unconfig.test.", "UNCONFIG");
    sql("UPDATE sm_zone SET soa_serial = 5 WHERE id = " + std::to_string(unconfig));
    const auto sample = [&](std::size_t n) {
        std::set<std::string> names;
        for (const auto& z : session().transaction("sample", [&](db::Transaction& tx) {
                 return db::zones::sample_published(tx, n);
             })) {
            names.insert(z.name);
        }
        return names;
    };
    EXPECT_EQ(sample(10), published);
    const auto two = sample(2);
    EXPECT_EQ(two.size(), 2U);
    for (const auto& name : two) {
        EXPECT_TRUE(published.contains(name)) << name;
    }
}

} // namespace
} // namespace dms::test
