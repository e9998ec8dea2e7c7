// SPDX-License-Identifier: GPL-3.0-or-later
// The event queue on a real database (ARCHITECTURE.md 3): claiming with SKIP LOCKED,
// row locks of the state machines, retries and coalescing. Concurrency is real: a
// second session holds its transaction open on another thread.
#include "queue_fixture.hpp"

namespace dms::test {
namespace {

// --- claiming ------------------------------------------------------------------------

TEST_F(Queue, ClaimDueTakesTheOldestDueQueuedEvent) {
    const auto z = add_zone("claim.test.");
    // Inserted newest first, so that id order and scheduled order disagree.
    const auto later = add_event("ZoneSMUpdate", z, "-10 seconds");
    const auto oldest = add_event("ZoneSMConfig", z, "-60 seconds");
    // Two events due at the same instant: the lower id first. The second UPDATE moves the
    // lower id's row to the end of the table, so that only ORDER BY id can get it right.
    const auto tie_low = add_event("ZoneSMReconfigUpdate", z, "-30 seconds");
    const auto tie_high = add_event("ZoneSMReconfigCheck", z, "-30 seconds");
    sql("UPDATE sm_event_queue SET scheduled = (SELECT scheduled FROM sm_event_queue WHERE id = " +
        std::to_string(tie_high) + ") WHERE id = " + std::to_string(tie_low));
    const auto master = add_master_event("MasterSMMasterReconfig", "-20 seconds");
    const auto retry = std::stoll(sql_value(
        "INSERT INTO sm_event_queue (event_type, zone_id, scheduled, state, attempts) VALUES "
        "('ZoneSMEditUpdate', " +
        std::to_string(z) + ", now() - interval '5 seconds', 'RETRY', 1) RETURNING id"));
    // Never claimed: a synchronous type (zone_tool runs it), not yet due, processed.
    add_event("ZoneSMEdit", z, "-1 hour");
    add_event("MasterSMBatchHold", std::nullopt, "-1 hour");
    add_event("ZoneSMConfig", z, "1 hour");
    add_done_event("ZoneSMConfig", z, "SUCCESS", "2 hours");
    add_done_event("ZoneSMUpdate", z, "CANCELLED", "2 hours");

    // A due master event comes first (it unblocks zone events), then the rest by time.
    EXPECT_EQ(claim_id({}), master);
    const auto first =
        session().transaction("claim", [&](db::Transaction& tx) { return claim(tx, {master}); });
    ASSERT_TRUE(first);
    EXPECT_EQ(first->id, oldest);
    EXPECT_EQ(first->event_type, "ZoneSMConfig");
    EXPECT_EQ(first->state, "NEW");
    EXPECT_EQ(first->zone_id, z);
    EXPECT_EQ(first->zone_name, "claim.test.");
    EXPECT_FALSE(first->processed);
    EXPECT_EQ(first->attempts, 0);

    Ids claimed;
    for (const auto expected : Ids{master, oldest, tie_low, tie_high, later, retry}) {
        const auto got = claim_id(claimed);
        ASSERT_TRUE(got) << "after " << claimed.size() << " claims";
        EXPECT_EQ(*got, expected) << "claim " << claimed.size() + 1;
        claimed.push_back(*got);
    }
    EXPECT_EQ(claim_id(claimed), std::nullopt);
    // `exclude` skips exactly the ids given.
    EXPECT_EQ(claim_id({master, oldest, tie_high}), tie_low);
    EXPECT_EQ(claim_id({master}), oldest);
}

TEST_F(Queue, NextDueIgnoresSynchronousAndProcessedEvents) {
    const auto next = [&] {
        return session().transaction("next",
                                     [](db::Transaction& tx) { return db::queue::next_due(tx); });
    };
    // Nothing pending must not read as "due now" (greatest() ignores NULL): idle
    // workers would poll instead of sleeping until a NOTIFY.
    EXPECT_EQ(next(), std::nullopt) << "an empty queue has nothing due";
    const auto z = add_zone("next.test.");
    add_event("ZoneSMEdit", z, "-1 hour");
    add_done_event("ZoneSMConfig", z, "SUCCESS");
    EXPECT_EQ(next(), std::nullopt) << "only synchronous and processed events";
    add_event("ZoneSMConfig", z, "1 hour");
    const auto in_an_hour = next();
    ASSERT_TRUE(in_an_hour);
    EXPECT_GT(*in_an_hour, 3590s);
    EXPECT_LE(*in_an_hour, 3600s);
    add_event("ZoneSMUpdate", z, "-5 seconds");
    EXPECT_EQ(next(), 0ms);
}

TEST_F(Queue, ClaimSkipsAnEventAnotherTransactionHolds) {
    const auto z = add_zone("skip.test.");
    const auto first = add_event("ZoneSMConfig", z, "-20 seconds");
    const auto second = add_event("ZoneSMUpdate", z, "-10 seconds");

    OtherTransaction worker(m_settings, claim_next);
    ASSERT_EQ(worker.held(), first);
    EXPECT_EQ(claim_id(), second);
    // Nothing else is free: the held event is skipped, not waited for.
    EXPECT_EQ(claim_id({second}), std::nullopt);

    // The worker gave up (its transaction rolled back): the event is due again, untouched.
    EXPECT_EQ(worker.rollback(), "");
    EXPECT_EQ(claim_id(), first);
    EXPECT_EQ(event_field(first, "state || ' ' || attempts || ' ' || (processed IS NULL)"),
              "NEW 0 true");
}

TEST_F(Queue, AClaimEndsWithItsTransaction) {
    const auto z = add_zone("crash.test.");
    const auto e = add_event("ZoneSMConfig", z, "-1 seconds");
    {
        // Committed without recording an outcome: still pending, claimable.
        OtherTransaction worker(m_settings, claim_next);
        ASSERT_EQ(worker.held(), e);
        EXPECT_EQ(claim_id(), std::nullopt);
        EXPECT_EQ(worker.commit(), "");
        EXPECT_EQ(claim_id(), e);
    }
    {
        // The worker's connection dies mid-event (dmsd crashed): its claim goes with it.
        OtherTransaction worker(m_settings, claim_next);
        ASSERT_EQ(worker.held(), e);
        const auto backends =
            sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND state = 'idle in transaction' AND pid <> pg_backend_pid()");
        ASSERT_EQ(backends.size(), 1U);
        EXPECT_EQ(claim_id(), std::nullopt);
        sql("SELECT pg_terminate_backend(" + backends[0][0] + ")");
        EXPECT_TRUE(eventually([&] { return claim_id() == e; }))
            << "the killed worker's claim outlived its connection";
        worker.commit(); // fails or does nothing: the connection is gone
    }
    EXPECT_EQ(event_field(e, "state || ' ' || attempts"), "NEW 0");
}

// --- state machine row locks ------------------------------------------------------------

TEST_F(Queue, ZoneTryLockReportsBusyOrUnknown) {
    const auto z = add_zone("lock.test.", "UNCONFIG");
    const auto neighbour = add_zone("neighbour.test.");
    const auto unknown = std::stoll(sql_value("SELECT max(id) + 1000 FROM sm_zone"));
    bool busy = true;
    const auto try_lock = [&](std::int64_t id) {
        return session().transaction(
            "try_lock", [&](db::Transaction& tx) { return db::zones::try_lock(tx, id, busy); });
    };

    const auto row = try_lock(z);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->id, z);
    EXPECT_EQ(row->name, "lock.test.");
    EXPECT_EQ(row->state, "UNCONFIG");
    EXPECT_FALSE(busy);
    {
        // zone_tool (or another worker) holds the zone row.
        OtherTransaction other(m_settings, [z](db::Transaction& tx) {
            return db::zones::find_by_id(tx, z, true).value().id;
        });
        ASSERT_EQ(other.held(), z);
        busy = false;
        EXPECT_FALSE(try_lock(z));
        EXPECT_TRUE(busy);
        EXPECT_TRUE(try_lock(neighbour));
        EXPECT_FALSE(busy);
        EXPECT_EQ(other.commit(), "");
    }
    busy = true;
    EXPECT_FALSE(try_lock(unknown));
    EXPECT_FALSE(busy);
    EXPECT_TRUE(try_lock(z));
    EXPECT_FALSE(busy);
}

TEST_F(Queue, MasterTryLockFailsWhileAnotherTransactionHoldsTheRow) {
    const auto try_lock = [&] {
        return session().transaction("try_lock",
                                     [](db::Transaction& tx) { return db::master::try_lock(tx); });
    };
    const auto read_state = [&](bool share) {
        return session().transaction(
            "get", [&](db::Transaction& tx) { return db::master::get(tx, share).state; });
    };
    const auto free_row = try_lock();
    ASSERT_TRUE(free_row);
    EXPECT_EQ(free_row->id, 1);
    EXPECT_EQ(free_row->state, "READY");
    {
        // A zone change deciding whether to ask for a reconfig holds a share lock.
        OtherTransaction zone_change(
            m_settings, [](db::Transaction& tx) { return db::master::get(tx, true).id; });
        ASSERT_EQ(zone_change.held(), 1);
        EXPECT_FALSE(try_lock());
        // Share locks do not exclude each other; plain reads are never blocked.
        EXPECT_EQ(read_state(true), "READY");
        EXPECT_EQ(read_state(false), "READY");
        EXPECT_EQ(zone_change.rollback(), "");
    }
    {
        // Another worker runs a MasterSM event.
        OtherTransaction worker(
            m_settings, [](db::Transaction& tx) { return db::master::try_lock(tx).value().id; });
        ASSERT_EQ(worker.held(), 1);
        EXPECT_FALSE(try_lock());
        EXPECT_EQ(read_state(false), "READY");
        EXPECT_EQ(worker.commit(), "");
    }
    EXPECT_TRUE(try_lock());
}

// --- outcomes ------------------------------------------------------------------------

TEST_F(Queue, RetryLaterPostponesTheEvent) {
    const auto z = add_zone("retry.test.", "PUBLISHED");
    const auto e = add_event("ZoneSMUpdate", z, "-1 seconds");
    const auto claim_and_retry = [&](milliseconds delay, const std::string& error,
                                     const std::string& worker) {
        return session().transaction("retry", [&](db::Transaction& tx) {
            const auto got = claim(tx);
            EXPECT_TRUE(got && got->id == e);
            return db::queue::retry_later(tx, e, delay, error, worker);
        });
    };

    EXPECT_EQ(claim_and_retry(60s, "rndc reload failed", "worker-1"), 1);
    EXPECT_EQ(event_field(e, "state || '|' || attempts || '|' || last_error || '|' || claimed_by"),
              "RETRY|1|rndc reload failed|worker-1");
    EXPECT_EQ(event_field(e, "processed IS NULL"), "t");
    const double in_a_minute = due_in(e);
    EXPECT_GT(in_a_minute, 55.0);
    EXPECT_LE(in_a_minute, 60.0);
    EXPECT_EQ(claim_id(), std::nullopt) << "claimed before its retry was due";

    // Due again; the next retry keeps the sub-second part of its delay.
    sql("UPDATE sm_event_queue SET scheduled = now() WHERE id = " + std::to_string(e));
    EXPECT_EQ(claim_and_retry(2500ms, "still failing", "worker-2"), 2);
    const double soon = due_in(e);
    EXPECT_GT(soon, 1.5);
    EXPECT_LE(soon, 2.5);
    const auto back =
        session().transaction("find", [&](db::Transaction& tx) { return db::events::find(tx, e); });
    ASSERT_TRUE(back);
    EXPECT_EQ(back->state, "RETRY");
    EXPECT_EQ(back->attempts, 2);
    EXPECT_EQ(back->last_error, "still failing");
    EXPECT_EQ(back->claimed_by, "worker-2");
    EXPECT_FALSE(back->processed);
    EXPECT_EQ(counts().retrying, 1);
}

TEST_F(Queue, FinishRecordsTheOutcome) {
    const auto z = add_zone("finish.test.", "CREATE");
    const auto e = std::stoll(sql_value(
        "INSERT INTO sm_event_queue (event_type, zone_id, scheduled, state, attempts, "
        "last_error) VALUES ('ZoneSMConfig', " +
        std::to_string(z) + ", now() - interval '1 second', 'RETRY', 2, 'busy') RETURNING id"));
    const auto f = add_event("ZoneSMConfig", z, "-1 seconds");
    session().transaction("finish", [&](db::Transaction& tx) {
        ASSERT_EQ(claim(tx).value().id, e);
        db::queue::finish(tx, e, "SUCCESS", 200, R"({"message": "configured"})", "worker-1");
        ASSERT_EQ(claim(tx, {e}).value().id, f);
        db::queue::finish(tx, f, "FAILURE", 450, R"({"message": "no such file"})", "worker-2");
    });
    EXPECT_EQ(event_field(e, "state || '|' || result_code || '|' || (results->>'message') || '|' "
                             "|| claimed_by || '|' || attempts || '|' || (processed <= now())"),
              "SUCCESS|200|configured|worker-1|2|true");
    EXPECT_EQ(event_field(f, "state || '|' || result_code || '|' || (results->>'message') || '|' "
                             "|| claimed_by || '|' || (processed IS NOT NULL)"),
              "FAILURE|450|no such file|worker-2|true");
    const auto back =
        session().transaction("find", [&](db::Transaction& tx) { return db::events::find(tx, e); });
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->processed);
    EXPECT_EQ(back->result_code, 200);
    EXPECT_EQ(back->claimed_by, "worker-1");
    EXPECT_EQ(claim_id(), std::nullopt) << "a finished event was claimed again";
    const auto c = counts();
    EXPECT_EQ(c.pending, 0);
    EXPECT_EQ(c.retrying, 0);
    EXPECT_EQ(c.failed, 1);
}

// --- coalescing ----------------------------------------------------------------------

TEST_F(Queue, CoalescingMergesAnIdenticalPendingEvent) {
    const auto z = add_zone("co.test.", "PUBLISHED");
    const auto other_zone = add_zone("co-other.test.", "PUBLISHED");
    const auto params = update_params("co.test.", 7);

    const auto e = insert(zone_event("ZoneSMUpdate", z, params, 30s));
    EXPECT_EQ(insert(zone_event("ZoneSMUpdate", z, params, 5s)), e);
    EXPECT_GT(due_in(e), 3.0) << "due at the earlier of the two";
    EXPECT_LE(due_in(e), 5.0) << "due at the earlier of the two";
    // A later one does not postpone it.
    EXPECT_EQ(insert(zone_event("ZoneSMUpdate", z, params, 60s)), e);
    EXPECT_LE(due_in(e), 5.0);
    // The same JSON object written differently is the same parameters.
    EXPECT_EQ(insert(zone_event("ZoneSMUpdate", z,
                                R"({ "candidate_soa_serial": 7, "name": "co.test." })")),
              e);
    EXPECT_LE(due_in(e), 0.0);
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue"), "1");

    // Different parameters, zone or type, or no coalescing asked: a new row each.
    std::set<std::int64_t> ids{e};
    ids.insert(insert(zone_event("ZoneSMUpdate", z, update_params("co.test.", 8))));
    ids.insert(insert(zone_event("ZoneSMUpdate", other_zone, params)));
    ids.insert(insert(zone_event("ZoneSMReconfigUpdate", z, params)));
    auto plain = zone_event("ZoneSMUpdate", z, params);
    plain.coalesce = false;
    ids.insert(insert(plain));
    // A synchronous event is recorded as it ran, never merged.
    auto done = zone_event("ZoneSMUpdate", z, params);
    done.done = db::NewEvent::Done{"SUCCESS", 200, "{}"};
    ids.insert(insert(done));
    EXPECT_EQ(ids.size(), 6U);
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue"), "6");
}

TEST_F(Queue, CoalescingMatchesTargetsThatAreNull) {
    db::NewEvent reconfig;
    reconfig.event_type = "MasterSMMasterReconfig";
    reconfig.master_id = 1;
    reconfig.coalesce = true;
    const auto e = insert(reconfig);
    EXPECT_EQ(insert(reconfig), e) << "zone_id and server_id are NULL in both";
    // An event without a target is never merged (nothing says it is the same work).
    auto untargeted = reconfig;
    untargeted.master_id.reset();
    const auto u = insert(untargeted);
    EXPECT_NE(u, e);
    EXPECT_NE(insert(untargeted), u);
}

TEST_F(Queue, AReconfigurationAskedDuringACoveringHoldMergesIntoTheHoldTimeout) {
    const auto sg = sql_value("SELECT id FROM server_groups WHERE name = 'someorg-one'");
    const auto partial = [&](const std::string& sg_id, std::chrono::milliseconds delay = 0ms) {
        db::NewEvent e;
        e.event_type = "MasterSMPartialReconfig";
        e.master_id = 1;
        e.parameters = R"({"sg_id": )" + sg_id + R"(, "sg_name": "x"})";
        e.coalesce = true;
        e.delay = delay;
        return e;
    };
    const auto drop = [&](std::int64_t id) {
        sql("DELETE FROM sm_event_queue WHERE id = " + std::to_string(id));
    };
    db::NewEvent master_reconfig;
    master_reconfig.event_type = "MasterSMMasterReconfig";
    master_reconfig.master_id = 1;
    master_reconfig.coalesce = true;

    // READY: a hold timeout left over does not cover anything.
    const auto timeout = add_master_event("MasterSMHoldTimeout", "2 seconds");
    const auto first = insert(partial(sg));
    EXPECT_NE(first, timeout);
    EXPECT_EQ(insert(partial(sg)), first) << "identical and pending";
    EXPECT_EQ(insert(partial(sg, 10s)), first) << "asked for later: the pending one does it";
    drop(first);
    const auto later = insert(partial(sg, 10s));
    EXPECT_NE(insert(partial(sg)), later) << "asked for now: a pending one due later is not it";
    EXPECT_GT(due_in(later), 5.0) << "and it is not moved";
    sql("DELETE FROM sm_event_queue WHERE id <> " + std::to_string(timeout));

    // HOLD for nothing yet: the timeout will not reconfigure, so a new event.
    sql("UPDATE sm_master SET state = 'HOLD', hold_sg = 0, hold_start = now(), "
        "hold_stop = now() + interval '2 seconds'");
    const auto asked = insert(partial(sg));
    EXPECT_NE(asked, timeout);
    drop(asked);

    // HOLD for this SG: the timeout does it; it is not moved earlier.
    sql("UPDATE sm_master SET hold_sg = " + sg);
    EXPECT_EQ(insert(partial(sg)), timeout);
    EXPECT_EQ(insert(master_reconfig), timeout) << "an SG's reconfiguration includes the master";
    EXPECT_GT(due_in(timeout), 1.0);
    // Another SG is not covered.
    const auto other = insert(partial(std::to_string(std::stoll(sg) + 100)));
    EXPECT_NE(other, timeout);
    drop(other);

    // HOLD for all SGs covers any SG. A worker running the timeout is not waited for
    // (what merges into it unseen is caught when the next hold ends, see
    // ZonesWaitingForAReconfigurationThatRanWithoutThemAreFound).
    sql("UPDATE sm_master SET hold_sg = -2");
    EXPECT_EQ(insert(partial(std::to_string(std::stoll(sg) + 100))), timeout);
    sql("UPDATE sm_event_queue SET scheduled = now() - interval '1 second' WHERE id = " +
        std::to_string(timeout));
    OtherTransaction worker(m_settings, [](db::Transaction& tx) {
        return db::queue::claim(tx, test_worker, test_lease).value().id;
    });
    ASSERT_EQ(worker.held(), timeout);
    insert(partial(sg));
}

TEST_F(Queue, ZonesWaitingForAReconfigurationThatRanWithoutThemAreFound) {
    const auto sg =
        std::stoll(sql_value("SELECT id FROM server_groups WHERE name = 'someorg-one'"));
    const auto other_sg =
        std::stoll(sql_value("INSERT INTO server_groups (name) VALUES ('other') RETURNING id"));
    const auto waiting = add_zone("waiting.test.", "BATCH_CREATE_2");
    const auto woken = add_zone("woken.test.", "BATCH_CREATE_2");
    const auto retrying = add_zone("retrying.test.", "UNCONFIG");
    const auto alt = add_zone("alt.test.", "UNCONFIG");
    sql("UPDATE sm_zone SET sg_id = " + std::to_string(sg) +
        ", alt_sg_id = " + std::to_string(other_sg) + " WHERE id = " + std::to_string(alt));
    const auto waiting_for = [&] {
        return session().transaction(
            "waiting", [](db::Transaction& tx) { return db::queue::sgs_waiting_for_reconfig(tx); });
    };
    add_event("ZoneSMReconfigCheck", woken, "-1 second"); // woken by the last reconfiguration
    const auto r = add_event("ZoneSMReconfigUpdate", retrying, "30 seconds");
    sql("UPDATE sm_event_queue SET attempts = 1, state = 'RETRY' WHERE id = " + std::to_string(r));
    add_event("ZoneSMUpdate", woken, "30 seconds"); // not waiting for a reconfiguration
    EXPECT_TRUE(waiting_for().empty());

    add_event("ZoneSMReconfigCheck", waiting, "30 seconds");
    EXPECT_EQ(waiting_for(), (Ids{sg}));
    add_event("ZoneSMReconfigUpdate", alt, "30 seconds");
    EXPECT_EQ(waiting_for(), (Ids{sg, other_sg})) << "the alternate SG too";
}

TEST_F(Queue, CoalescingNeverMergesIntoProcessedOrHeldEvents) {
    const auto z = add_zone("co-held.test.", "PUBLISHED");
    const auto event = zone_event("ZoneSMUpdate", z, update_params("co-held.test.", 3));
    const auto processed = insert(event);
    sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE id = " +
        std::to_string(processed));
    const auto pending = insert(event);
    EXPECT_NE(pending, processed);

    // A worker is running the pending one: merging into it now would be lost.
    OtherTransaction worker(m_settings, claim_next);
    ASSERT_EQ(worker.held(), pending);
    const auto added = insert(event);
    EXPECT_NE(added, pending);
    EXPECT_NE(added, processed);
    EXPECT_EQ(event_field(added, "state"), "NEW");
    EXPECT_EQ(worker.rollback(), "");

    // Free again: the next one merges into one of the two pending events.
    const auto merged = insert(event);
    EXPECT_TRUE(merged == pending || merged == added) << merged;
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue"), "3");
}

TEST_F(Queue, AMergedEventWaitsForTheMergingTransactions) {
    const auto z = add_zone("co-share.test.", "PUBLISHED");
    const auto event = zone_event("ZoneSMUpdate", z, update_params("co-share.test.", 9));
    const auto pending = insert(event);
    // Two open transactions (zone_tool, a worker) merge into it at once...
    OtherTransaction first(m_settings,
                           [&](db::Transaction& tx) { return db::events::insert(tx, event); });
    OtherTransaction second(m_settings,
                            [&](db::Transaction& tx) { return db::events::insert(tx, event); });
    EXPECT_EQ(first.held(), pending);
    EXPECT_EQ(second.held(), pending);
    // ... and until both have committed no worker can claim it.
    EXPECT_EQ(claim_id({}), std::nullopt);
    EXPECT_EQ(first.commit(), "");
    EXPECT_EQ(claim_id({}), std::nullopt);
    EXPECT_EQ(second.commit(), "");
    EXPECT_EQ(claim_id({}), pending);
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue"), "1");
}

TEST_F(Queue, TheEventBeingRunIsNotCoalescedInto) {
    const auto z = add_zone("own.test.", "PUBLISHED");
    const auto event = zone_event("ZoneSMUpdate", z, update_params("own.test.", 5));
    const auto e = insert(event);
    const auto follow_up = session().transaction("run", [&](db::Transaction& tx) {
        EXPECT_EQ(claim(tx).value().id, e);
        db::queue::mark_running(tx, e, test_worker, test_lease);
        // The action queues the same event again: merged into the event being run, it
        // would be lost when that one is finished.
        return db::events::insert(tx, event);
    });
    EXPECT_NE(follow_up, e);
    // Committed without an outcome: the claim's mark stays until the lease ends.
    EXPECT_EQ(event_field(e, "claimed_by"), test_worker);
    const double lease_left =
        std::stod(event_field(e, "extract(epoch from claimed_until - now())"));
    EXPECT_GT(lease_left, 55.0);
    EXPECT_LE(lease_left, 60.0);
}

TEST_F(Queue, AWorkerClaimPassesByEventsOfABusyZoneAndLeavesThemUnmarked) {
    const auto busy_zone = add_zone("busy.test.", "PUBLISHED");
    const auto free_zone = add_zone("free.test.", "PUBLISHED");
    const auto event = zone_event("ZoneSMUpdate", busy_zone, update_params("busy.test.", 1));
    const auto skipped = insert(event);
    const auto free_event = zone_event("ZoneSMUpdate", free_zone, update_params("free.test.", 2));
    const auto ran = insert(free_event);
    sql("UPDATE sm_event_queue SET scheduled = now() - interval '1 minute' WHERE id = " +
        std::to_string(skipped));
    {
        OtherTransaction zone_tool(m_settings, [busy_zone](db::Transaction& tx) {
            return db::zones::find_by_id(tx, busy_zone, true).value().id;
        });
        ASSERT_EQ(zone_tool.held(), busy_zone);
        session().transaction("process event", [&](db::Transaction& tx) {
            const auto claimed = db::queue::claim(tx, test_worker, test_lease);
            ASSERT_TRUE(claimed);
            EXPECT_EQ(claimed->id, ran) << "the older event's zone is held by zone_tool";
            // Marked running: its own follow-ups do not coalesce into it.
            EXPECT_NE(db::events::insert(tx, free_event), ran);
            // The free zone is now held by this worker.
            OtherTransaction other(m_settings, [free_zone](db::Transaction& tx2) {
                bool busy = false;
                return db::zones::try_lock(tx2, free_zone, busy) ? 0 : busy ? 1 : 2;
            });
            EXPECT_EQ(other.held(), 1) << "the claim did not lock the event's zone";
            db::queue::finish(tx, ran, "SUCCESS", 200, "{}", test_worker);
        });
        EXPECT_EQ(zone_tool.commit(), "");
    }
    // A passed-by event has no mark: identical events still coalesce into it, and
    // claimed_by names only workers that ran it.
    EXPECT_EQ(insert(event), skipped) << "an identical event was not merged into the idle one";
    EXPECT_EQ(event_field(skipped, "coalesce(claimed_by, '')"), "");
}

TEST_F(Queue, AWorkerClaimsMasterEventsFirstThenOrphansThenZoneEvents) {
    const auto z = add_zone("order.test.", "PUBLISHED");
    const auto zone_ev = add_event("ZoneSMUpdate", z, "-1 minute");
    const auto orphan = add_event("ZoneSMUpdate", std::nullopt, "-30 seconds");
    const auto master_ev = add_master_event("MasterSMMasterReconfig", "-1 second");
    const auto claim_one = [&] {
        return session().transaction("claim", [&](db::Transaction& tx) {
            const auto e = db::queue::claim(tx, test_worker, test_lease);
            if (e) {
                db::queue::finish(tx, e->id, "SUCCESS", 200, "{}", test_worker);
            }
            return e ? e->id : 0;
        });
    };
    {
        // While another worker holds the master's row, its events wait.
        OtherTransaction worker(m_settings,
                                [](db::Transaction& tx) { return db::master::try_lock(tx)->id; });
        ASSERT_EQ(worker.held(), 1);
        EXPECT_EQ(claim_one(), orphan);
        EXPECT_EQ(claim_one(), zone_ev);
        EXPECT_EQ(claim_one(), 0) << "the master's event must wait for its row";
    }
    EXPECT_EQ(claim_one(), master_ev);
    EXPECT_EQ(claim_one(), 0);
}

} // namespace
} // namespace dms::test
