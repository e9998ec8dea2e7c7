// SPDX-License-Identifier: GPL-3.0-or-later
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/sm/zone_sm.hpp"

#include "transition_grids.hpp"

namespace dms::sm {
namespace {

using namespace std::chrono_literals;
using NamedSoa = ZoneSmContext::NamedSoa;
using PublishResult = ZoneSmContext::PublishResult;
using enum EventType;

/// One call the machine made to the context.
struct Call {
    std::string what; ///< method name
    std::optional<EventType> event;
    std::int64_t id = 0;
    std::chrono::seconds delay{};
    ZoneEventParams params;
    bool randomize = false, master_reconfig = false;
};

/// Records every call; answers as its public knobs say.
class FakeContext : public ZoneSmContext {
public:
    TimePoint clock = TimePoint{} + 480000h;
    std::chrono::seconds lock_timeout = 30min;
    NamedSoa named = NamedSoa::reset;
    PublishResult publish_result = PublishResult::ok;
    std::uint32_t serial = 2024010101;
    bool other_live = false, other_served = false, zi_present = true;
    std::map<std::string, std::int64_t, std::less<>> sgs{{"alt-sg", 7}};
    std::int64_t next_event_id = 500;
    std::optional<LockState> lock_seen_by_publish;
    std::vector<Call> calls;

    void record(std::string what, std::optional<EventType> type = std::nullopt, std::int64_t id = 0,
                std::chrono::seconds delay = {}, const ZoneEventParams& params = {}) {
        Call call;
        call.what = std::move(what);
        call.event = type;
        call.id = id;
        call.delay = delay;
        call.params = params;
        calls.push_back(std::move(call));
    }

    TimePoint now() override { return clock; }
    std::chrono::seconds edit_lock_timeout() override { return lock_timeout; }
    std::int64_t queue_zone_event(const ZoneRow&, EventType type, std::chrono::seconds delay,
                                  const ZoneEventParams& params) override {
        const auto id = next_event_id++;
        record("queue_zone_event", type, id, delay, params);
        return id;
    }
    void cancel_event(std::int64_t event_id, std::string_view) override {
        record("cancel_event", std::nullopt, event_id);
    }
    void reschedule_event(std::int64_t event_id, std::chrono::seconds delay) override {
        record("reschedule_event", std::nullopt, event_id, delay);
    }
    void reconfig_schedule(const ZoneRow&, EventType zone_event, bool randomize,
                           bool master_reconfig, const ZoneEventParams& params) override {
        record("reconfig_schedule", zone_event, 0, {}, params);
        calls.back().randomize = randomize;
        calls.back().master_reconfig = master_reconfig;
    }
    void queue_master_partial_reconfig(std::int64_t sg_id) override {
        record("queue_master_partial_reconfig", std::nullopt, sg_id);
    }
    bool other_live_zone(const ZoneRow&) override { return other_live; }
    bool other_served_zone(const ZoneRow&) override { return other_served; }
    bool zi_exists(const ZoneRow&, std::int64_t zi_id) override {
        record("zi_exists", std::nullopt, zi_id);
        return zi_present;
    }
    std::optional<std::int64_t> find_sg(std::string_view name) override {
        const auto it = sgs.find(name);
        return it == sgs.end() ? std::nullopt : std::optional(it->second);
    }
    void destroy_zone(const ZoneRow& row) override { record("destroy_zone", std::nullopt, row.id); }
    NamedSoa query_named_soa(const ZoneRow&) override {
        record("query_named_soa");
        return named;
    }
    void write_zone_file(const ZoneRow& row) override {
        record("write_zone_file", std::nullopt, row.zi_candidate_id.value_or(0));
    }
    void remove_zone_files(const ZoneRow&) override { record("remove_zone_files"); }
    PublishResult publish(ZoneRow& row, const ZoneEventParams& params) override {
        record("publish", std::nullopt, 0, {}, params);
        lock_seen_by_publish = row.lock_state;
        if (publish_result == PublishResult::ok || publish_result == PublishResult::nochange) {
            row.zi_id = row.zi_candidate_id;
            row.soa_serial = serial;
        }
        return publish_result;
    }

    /// The calls named `what`.
    std::vector<Call> called(std::string_view what) const {
        std::vector<Call> out;
        std::copy_if(calls.begin(), calls.end(), std::back_inserter(out),
                     [&](const Call& c) { return c.what == what; });
        return out;
    }
    /// Calls that change the world (queries excluded).
    std::size_t side_effects() const {
        return std::count_if(calls.begin(), calls.end(), [](const Call& c) {
            return c.what != "zi_exists" && c.what != "query_named_soa";
        });
    }
};

constexpr std::int64_t token = 77;

ZoneRow zone(ZoneState state) {
    ZoneRow row;
    row.id = 42;
    row.name = "example.org.";
    row.state = state;
    row.zi_id = 10;
    row.zi_candidate_id = 11;
    row.soa_serial = 2023123101;
    row.sg_id = 1;
    return row;
}

ZoneRow locked_zone(ZoneState state) {
    auto row = zone(state);
    row.edit_lock = true;
    row.lock_state = LockState::edit_lock;
    row.edit_lock_token = token;
    row.locked_by = "alice/Admin";
    row.locked_at = TimePoint{} + 470000h;
    return row;
}

ZoneEvent event(EventType type, ZoneEventParams params = {}) {
    return ZoneEvent{type, std::move(params), 900};
}

ZoneEventParams with_token(std::optional<std::int64_t> zi = std::nullopt, std::int64_t t = token) {
    ZoneEventParams p;
    p.edit_lock_token = t;
    p.zi_id = zi;
    return p;
}

ZoneEventParams with_zi(std::int64_t zi) {
    ZoneEventParams p;
    p.zi_id = zi;
    return p;
}

/// Runs the event; also checks that a failed event left the row alone.
Outcome run(ZoneRow& row, const ZoneEvent& ev, FakeContext& ctx) {
    const auto before = row;
    auto out = process_zone_event(row, ev, ctx);
    if (out.error || out.code == ResultCode::error) {
        EXPECT_EQ(row, before) << "a failed event changed the row: " << out.message;
    }
    return out;
}

// --- The whole table --------------------------------------------------------------------

/// Where each action of REFERENCE.md 3.1.3 leaves the zone, when it succeeds (nullopt: the
/// state does not change), with the context answering the way the normal path goes.
std::optional<ZoneState> target_of(std::string_view action) {
    static const std::map<std::string_view, std::optional<ZoneState>> targets{
        {"DC", ZoneState::create},
        {"DBC", ZoneState::batch_create_1},
        {"BC", ZoneState::batch_create_2},
        {"RC", ZoneState::published},
        {"C", ZoneState::unconfig},
        {"RU", ZoneState::published},
        {"U", ZoneState::published},
        {"EU", ZoneState::published},
        {"DR", ZoneState::reset},
        {"DIS", ZoneState::disabled},
        {"EN", ZoneState::create},
        {"DEL", ZoneState::deleted},
        {"NUKE", ZoneState::deleted},
        {"UND", ZoneState::create},
        {"DES", std::nullopt},
        {"RZF", std::nullopt},
        {"DRC", ZoneState::unconfig},
        {"REF", std::nullopt},
        {"SWAP", std::nullopt},
        {"ALT", std::nullopt},
        {"ED", std::nullopt},
        {"EX", std::nullopt},
        {"TO", std::nullopt},
        {"TK", std::nullopt},
        {"ES", ZoneState::update},
        {"OES", std::nullopt},
        {"NL", std::nullopt},
        {"ONL", std::nullopt},
        {"UEX", std::nullopt},
    };
    const auto it = targets.find(action);
    if (it == targets.end()) {
        ADD_FAILURE() << "unknown action " << action;
        return std::nullopt;
    }
    return it->second;
}

std::optional<ErrorCode> refusal_of(std::string_view action) {
    static const std::map<std::string_view, ErrorCode> codes{
        {"F-INIT", ErrorCode::zone_event_failure},   {"F-EN", ErrorCode::zone_already_enabled},
        {"F-DIS", ErrorCode::zone_already_disabled}, {"F-RST", ErrorCode::zone_reset_disabled},
        {"F-LCK", ErrorCode::edit_lock_failure},     {"F-NLK", ErrorCode::zone_not_edit_locked},
    };
    const auto it = codes.find(action);
    return it == codes.end() ? std::nullopt : std::optional(it->second);
}

/// The row, event and context under which `action` takes its normal path.
void prepare(std::string_view action, ZoneRow& row, ZoneEvent& ev, FakeContext& ctx) {
    static const std::set<std::string_view> need_lock{"TK", "TO",  "ES",   "OES",
                                                      "EU", "UEX", "F-LCK"};
    if (need_lock.contains(action)) {
        row = locked_zone(row.state);
        ev.params.edit_lock_token = token;
    }
    if (action == "ED") {
        row.edit_lock = true;
    }
    if (action == "RC") {
        ctx.named = NamedSoa::ok;
    }
    if (action == "SWAP") {
        row.alt_sg_id = 2;
    }
    ev.params.zi_id = 12;
}

TEST(ZoneSm, WalksEveryStateAndEvent) {
    int cells = 0;
    for (const auto& state : zone_states()) {
        for (const auto& type : event_types()) {
            if (type.machine != Machine::zone) {
                continue;
            }
            const auto action = zone_transition_action(state.value, type.value);
            SCOPED_TRACE(std::string(state.name) + " x " + std::string(type.name) + " -> " +
                         std::string(action));
            auto row = zone(state.value);
            auto ev = event(type.value);
            FakeContext ctx;
            prepare(action, row, ev, ctx);
            const auto before = row;
            Outcome out;
            ASSERT_NO_THROW(out = process_zone_event(row, ev, ctx));

            if (action.empty()) {
                EXPECT_EQ(out.code, ResultCode::nochange);
                EXPECT_EQ(out.message, "no transition for " + std::string(type.name) +
                                           " in state " + std::string(state.name));
                EXPECT_FALSE(out.error);
                EXPECT_EQ(row, before);
                EXPECT_TRUE(ctx.calls.empty());
                continue;
            }
            ++cells;
            if (const auto code = refusal_of(action)) {
                EXPECT_EQ(out.error, code) << out.message;
                EXPECT_EQ(out.code, ResultCode::fatal);
                EXPECT_NE(out.message.find("example.org."), std::string::npos) << out.message;
                EXPECT_NE(out.message.find(state.name), std::string::npos) << out.message;
                EXPECT_EQ(row, before);
                EXPECT_EQ(ctx.side_effects(), 0U);
                continue;
            }
            EXPECT_FALSE(out.error) << out.message;
            EXPECT_NE(out.code, ResultCode::error) << out.message;
            EXPECT_NE(out.code, ResultCode::fatal) << out.message;
            EXPECT_EQ(row.state, target_of(action).value_or(state.value));
        }
    }
    // REFERENCE.md 3.1.2 has 100 filled cells, 15 of them in the CREATE/RESET column;
    // we fill three of its blanks (a save in BATCH_CREATE_1/2 and UPDATE).
    EXPECT_EQ(cells, 118);
}

TEST(ZoneSm, TransitionActionsAreReferenceNames) {
    EXPECT_EQ(zone_transition_action(ZoneState::init, zone_do_config), "DC");
    EXPECT_EQ(zone_transition_action(ZoneState::init, zone_delete), "NUKE");
    EXPECT_EQ(zone_transition_action(ZoneState::batch_create_2, zone_delete), "DEL");
    EXPECT_EQ(zone_transition_action(ZoneState::reset, zone_config), "C");
    EXPECT_EQ(zone_transition_action(ZoneState::create, zone_edit_saved), "OES");
    EXPECT_EQ(zone_transition_action(ZoneState::published, zone_edit_saved), "ES");
    EXPECT_EQ(zone_transition_action(ZoneState::update, zone_edit), "F-LCK");
    EXPECT_EQ(zone_transition_action(ZoneState::update, zone_edit_saved), "F-NLK");
    EXPECT_EQ(zone_transition_action(ZoneState::update, zone_edit_exit), "UEX");
    EXPECT_EQ(zone_transition_action(ZoneState::update, zone_do_refresh), "REF");
    EXPECT_EQ(zone_transition_action(ZoneState::disabled, zone_do_reset), "F-RST");
    EXPECT_EQ(zone_transition_action(ZoneState::deleted, zone_remove_zone_files), "RZF");
    EXPECT_EQ(zone_transition_action(ZoneState::update, zone_edit_timeout), "");
    EXPECT_EQ(zone_transition_action(ZoneState::deleted, zone_do_reset), "");
    EXPECT_EQ(zone_transition_action(ZoneState::unconfig, zone_update), "");
}

TEST(ZoneSm, NoTransitionIsRecordedNotDropped) {
    auto row = zone(ZoneState::unconfig);
    FakeContext ctx;
    const auto out = run(row, event(zone_update), ctx);
    EXPECT_EQ(out.code, ResultCode::nochange);
    EXPECT_EQ(out.message, "no transition for ZoneSMUpdate in state UNCONFIG");
    EXPECT_EQ(row.state, ZoneState::unconfig);
}

TEST(ZoneSm, OtherMachinesEventsAreABug) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    try {
        process_zone_event(row, event(master_reset), ctx);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::internal);
    }
}

// --- Creation ---------------------------------------------------------------------------

TEST(ZoneSm, DoConfigSetsTheCandidateAndQueuesConfig) {
    auto row = zone(ZoneState::init);
    row.zi_id.reset();
    row.zi_candidate_id.reset();
    FakeContext ctx;
    const auto out = run(row, event(zone_do_config, with_zi(5)), ctx);
    EXPECT_EQ(out.code, ResultCode::ok);
    EXPECT_EQ(row.state, ZoneState::create);
    EXPECT_EQ(row.zi_candidate_id, 5);
    EXPECT_EQ(row.zi_id, 5);
    const auto queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].event, zone_config);
    EXPECT_EQ(queued[0].delay, 0s);
}

TEST(ZoneSm, DoConfigWithoutZiIsRefused) {
    auto row = zone(ZoneState::init);
    FakeContext ctx;
    const auto out = run(row, event(zone_do_config), ctx);
    EXPECT_EQ(out.error, ErrorCode::zi_not_found);
    EXPECT_TRUE(ctx.calls.empty());
}

TEST(ZoneSm, DoBatchConfigQueuesBatchConfig) {
    auto row = zone(ZoneState::init);
    FakeContext ctx;
    run(row, event(zone_do_batch_config, with_zi(5)), ctx);
    EXPECT_EQ(row.state, ZoneState::batch_create_1);
    EXPECT_EQ(row.zi_candidate_id, 5);
    EXPECT_EQ(row.zi_id, 10); // already set: kept
    ASSERT_EQ(ctx.called("queue_zone_event").size(), 1U);
    EXPECT_EQ(ctx.called("queue_zone_event")[0].event, zone_batch_config);
}

TEST(ZoneSm, DoBatchConfigFallsBackToConfigForDnssecZones) {
    auto row = zone(ZoneState::init);
    row.auto_dnssec = true;
    FakeContext ctx;
    run(row, event(zone_do_batch_config, with_zi(5)), ctx);
    EXPECT_EQ(row.state, ZoneState::create);
    ASSERT_EQ(ctx.called("queue_zone_event").size(), 1U);
    EXPECT_EQ(ctx.called("queue_zone_event")[0].event, zone_config);
}

TEST(ZoneSm, BatchConfigWritesTheFileAndSchedulesTheCheck) {
    auto row = zone(ZoneState::batch_create_1);
    FakeContext ctx;
    run(row, event(zone_batch_config), ctx);
    EXPECT_EQ(row.state, ZoneState::batch_create_2);
    EXPECT_TRUE(row.zone_files);
    ASSERT_EQ(ctx.called("write_zone_file").size(), 1U);
    const auto scheduled = ctx.called("reconfig_schedule");
    ASSERT_EQ(scheduled.size(), 1U);
    EXPECT_EQ(scheduled[0].event, zone_reconfig_check);
    EXPECT_EQ(scheduled[0].params.zi_id, 11); // the ZI the file holds
}

TEST(ZoneSm, ConfigWhenNamedStillServesTheZoneResets) {
    for (const auto from : {ZoneState::create, ZoneState::reset}) {
        auto row = zone(from);
        FakeContext ctx;
        ctx.named = NamedSoa::ok;
        const auto out = run(row, event(zone_config), ctx);
        EXPECT_EQ(out.code, ResultCode::ok);
        EXPECT_EQ(row.state, ZoneState::reset);
        EXPECT_TRUE(ctx.called("write_zone_file").empty());
        const auto scheduled = ctx.called("reconfig_schedule");
        ASSERT_EQ(scheduled.size(), 1U);
        EXPECT_EQ(scheduled[0].event, zone_config);
        EXPECT_TRUE(scheduled[0].master_reconfig);
        EXPECT_FALSE(scheduled[0].randomize);
    }
}

TEST(ZoneSm, ConfigWritesTheFileWhenNamedDoesNotServeTheZone) {
    auto row = zone(ZoneState::create);
    FakeContext ctx;
    ctx.named = NamedSoa::reset;
    run(row, event(zone_config), ctx);
    EXPECT_EQ(row.state, ZoneState::unconfig);
    EXPECT_TRUE(row.zone_files);
    ASSERT_EQ(ctx.called("write_zone_file").size(), 1U);
    EXPECT_EQ(ctx.called("write_zone_file")[0].id, 11); // the candidate
    const auto scheduled = ctx.called("reconfig_schedule");
    ASSERT_EQ(scheduled.size(), 1U);
    EXPECT_EQ(scheduled[0].event, zone_reconfig_update);
    EXPECT_FALSE(scheduled[0].master_reconfig);
}

TEST(ZoneSm, ConfigRetriesWhenNamedCannotTell) {
    auto row = zone(ZoneState::create);
    FakeContext ctx;
    ctx.named = NamedSoa::error;
    const auto out = run(row, event(zone_config), ctx);
    EXPECT_EQ(out.code, ResultCode::error);
    EXPECT_FALSE(out.error);
    EXPECT_EQ(row.state, ZoneState::create);
    EXPECT_EQ(ctx.side_effects(), 0U);
}

TEST(ZoneSm, ContextFailuresPassThroughAndLeaveTheRow) {
    struct Failing : FakeContext {
        void write_zone_file(const ZoneRow&) override { throw Error(ErrorCode::io, "disk full"); }
    };
    auto row = zone(ZoneState::create);
    const auto before = row;
    Failing ctx;
    try {
        process_zone_event(row, event(zone_config), ctx);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::io);
    }
    EXPECT_EQ(row, before);
}

TEST(ZoneSm, ReconfigCheckPublishesWhatNamedLoaded) {
    auto row = zone(ZoneState::batch_create_2);
    FakeContext ctx;
    ctx.named = NamedSoa::ok;
    run(row, event(zone_reconfig_check, with_zi(11)), ctx);
    EXPECT_EQ(row.state, ZoneState::published);
    EXPECT_EQ(row.zi_id, 11);
    EXPECT_TRUE(ctx.called("queue_zone_event").empty());
}

TEST(ZoneSm, ASaveDuringABulkLoadIsPublishedAfterTheFileNamedLoaded) {
    // Found by review: the batch states had no cell for a save, which was stored and
    // dropped; and ReconfigCheck took the candidate as published whatever the file held.
    for (const auto from : {ZoneState::batch_create_1, ZoneState::batch_create_2}) {
        auto row = zone(from);
        FakeContext ctx;
        const auto out = run(row, event(zone_edit_saved_no_lock, with_zi(12)), ctx);
        EXPECT_FALSE(out.no_transition) << to_string(from);
        EXPECT_EQ(row.state, from);
        EXPECT_EQ(row.zi_candidate_id, 12);
    }
    // The file holds ZI 11, the candidate is 12 by now: named loaded 11, 12 follows.
    auto row = zone(ZoneState::batch_create_2);
    row.zi_candidate_id = 12;
    FakeContext ctx;
    ctx.named = NamedSoa::ok;
    run(row, event(zone_reconfig_check, with_zi(11)), ctx);
    EXPECT_EQ(row.state, ZoneState::published);
    EXPECT_EQ(row.zi_id, 11);
    EXPECT_EQ(row.zi_candidate_id, 12);
    auto queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].event, zone_update);
    // A check that does not say what the file holds (the reconciler made it) publishes
    // too: the publication finds out by comparing with what named serves.
    row = zone(ZoneState::batch_create_2);
    ctx.calls.clear();
    run(row, event(zone_reconfig_check), ctx);
    EXPECT_EQ(row.state, ZoneState::published);
    queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].event, zone_update);
}

TEST(ZoneSm, ASaveWhileALockedEditIsPublishedIsRefusedNotDropped) {
    auto row = locked_zone(ZoneState::update);
    FakeContext ctx;
    const auto out = run(row, event(zone_edit_saved_no_lock, with_zi(12)), ctx);
    EXPECT_EQ(out.error, ErrorCode::edit_lock_failure);
    EXPECT_FALSE(out.no_transition);
}

TEST(ZoneSm, ABlankCellSaysSo) {
    auto row = zone(ZoneState::deleted);
    FakeContext ctx;
    const auto out = run(row, event(zone_edit_saved_no_lock, with_zi(12)), ctx);
    EXPECT_TRUE(out.no_transition);
    EXPECT_EQ(out.code, ResultCode::nochange);
    EXPECT_FALSE(run(row, event(zone_undelete, with_zi(12)), ctx).no_transition);
}

TEST(ZoneSm, PublicationsTakeTheCandidateOfTheirTimeSoTheNewestSaveWins) {
    // Five saves while named is down queue five identical publications (which the
    // queue merges); whichever runs, in whatever order their retries end, publishes the
    // newest save.
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    for (std::int64_t zi = 12; zi <= 16; ++zi) {
        run(row, event(zone_edit_saved_no_lock, with_zi(zi)), ctx);
    }
    const auto queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 5U);
    for (const auto& q : queued) {
        EXPECT_EQ(q.event, zone_update);
        EXPECT_EQ(q.params, queued.front().params);
    }
    ctx.calls.clear();
    run(row, event(zone_update, queued.front().params), ctx);
    EXPECT_EQ(row.zi_id, 16);
    EXPECT_EQ(row.zi_candidate_id, 16);
}

TEST(ZoneSm, ReconfigCheckResetsViaCreateWhenNamedLacksTheZone) {
    auto row = zone(ZoneState::batch_create_2);
    FakeContext ctx;
    ctx.named = NamedSoa::reset;
    run(row, event(zone_reconfig_check), ctx);
    EXPECT_EQ(row.state, ZoneState::create);
    const auto scheduled = ctx.called("reconfig_schedule");
    ASSERT_EQ(scheduled.size(), 1U);
    EXPECT_EQ(scheduled[0].event, zone_config);
    EXPECT_TRUE(scheduled[0].randomize);
    EXPECT_TRUE(scheduled[0].master_reconfig);

    row = zone(ZoneState::batch_create_2);
    ctx.named = NamedSoa::error;
    EXPECT_EQ(run(row, event(zone_reconfig_check), ctx).code, ResultCode::error);
}

// --- Publication ------------------------------------------------------------------------

struct PublishCase {
    ZoneState from;
    EventType type;
};

class Publish : public testing::TestWithParam<PublishCase> {};

TEST_P(Publish, Ok) {
    auto row = zone(GetParam().from);
    FakeContext ctx;
    const auto out = run(row, event(GetParam().type), ctx);
    EXPECT_EQ(out.code, ResultCode::ok);
    EXPECT_EQ(row.state, ZoneState::published);
    EXPECT_EQ(row.zi_id, 11);
    EXPECT_EQ(row.zi_candidate_id, 11);
    EXPECT_EQ(row.soa_serial, 2024010101U);
}

TEST_P(Publish, NoChange) {
    auto row = zone(GetParam().from);
    FakeContext ctx;
    ctx.publish_result = PublishResult::nochange;
    const auto out = run(row, event(GetParam().type), ctx);
    EXPECT_EQ(out.code, ResultCode::nochange);
    EXPECT_FALSE(out.error);
    EXPECT_EQ(row.state, ZoneState::published);
}

TEST_P(Publish, Retry) {
    auto row = zone(GetParam().from);
    FakeContext ctx;
    ctx.publish_result = PublishResult::retry;
    const auto out = run(row, event(GetParam().type), ctx);
    EXPECT_EQ(out.code, ResultCode::error);
    EXPECT_FALSE(out.error);
    EXPECT_EQ(row.state, GetParam().from);
}

TEST_P(Publish, ResetReconfiguresRandomised) {
    auto row = zone(GetParam().from);
    FakeContext ctx;
    ctx.publish_result = PublishResult::reset;
    const auto out = run(row, event(GetParam().type), ctx);
    EXPECT_FALSE(out.error);
    EXPECT_EQ(row.state, ZoneState::unconfig);
    const auto scheduled = ctx.called("reconfig_schedule");
    ASSERT_EQ(scheduled.size(), 1U);
    EXPECT_EQ(scheduled[0].event, zone_reconfig_update);
    EXPECT_TRUE(scheduled[0].randomize);
}

TEST_P(Publish, FatalFails) {
    auto row = zone(GetParam().from);
    FakeContext ctx;
    ctx.publish_result = PublishResult::fatal;
    const auto out = run(row, event(GetParam().type), ctx);
    EXPECT_EQ(out.error, ErrorCode::zone_sm_failure);
    EXPECT_EQ(out.code, ResultCode::fatal);
    EXPECT_EQ(row.state, GetParam().from);
}

INSTANTIATE_TEST_SUITE_P(ZoneSm, Publish,
                         testing::Values(PublishCase{ZoneState::unconfig, zone_reconfig_update},
                                         PublishCase{ZoneState::published, zone_update}));

TEST(ZoneSm, DoReconfigSnapsAndGoesToUnconfig) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    run(row, event(zone_do_reconfig), ctx);
    EXPECT_EQ(row.state, ZoneState::unconfig);
    EXPECT_EQ(row.zi_id, 11);
    ASSERT_EQ(ctx.called("reconfig_schedule").size(), 1U);
    EXPECT_EQ(ctx.called("reconfig_schedule")[0].event, zone_reconfig_update);
}

TEST(ZoneSm, DoRefreshQueuesAnUpdate) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    ZoneEventParams p;
    p.force_soa_serial_update = true;
    run(row, event(zone_do_refresh, p), ctx);
    EXPECT_EQ(row.zi_id, 11);
    const auto queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].event, zone_update);
    EXPECT_FALSE(queued[0].params.zi_id); // publishes the candidate of its time
    EXPECT_TRUE(queued[0].params.force_soa_serial_update);

    row = locked_zone(ZoneState::published);
    EXPECT_EQ(run(row, event(zone_do_refresh, p), ctx).error, ErrorCode::edit_lock_failure);

    row = locked_zone(ZoneState::update);
    EXPECT_EQ(run(row, event(zone_do_refresh), ctx).code, ResultCode::noeffect);
}

// --- Disable, enable, delete, undelete, destroy ------------------------------------------

TEST(ZoneSm, DisableSnapsTheZiAndRemovesFilesAfterReconfig) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    run(row, event(zone_disable), ctx);
    EXPECT_EQ(row.state, ZoneState::disabled);
    EXPECT_EQ(row.zi_id, 11);
    const auto scheduled = ctx.called("reconfig_schedule");
    ASSERT_EQ(scheduled.size(), 1U);
    EXPECT_EQ(scheduled[0].event, zone_remove_zone_files);

    EXPECT_EQ(run(row, event(zone_disable), ctx).error, ErrorCode::zone_already_disabled);
    EXPECT_EQ(error_info(ErrorCode::zone_already_disabled).exit_status, ExitStatus::protocol);
}

TEST(ZoneSm, EnableGoesToCreate) {
    auto row = zone(ZoneState::disabled);
    FakeContext ctx;
    run(row, event(zone_enable), ctx);
    EXPECT_EQ(row.state, ZoneState::create);
    ASSERT_EQ(ctx.called("queue_zone_event").size(), 1U);
    EXPECT_EQ(ctx.called("queue_zone_event")[0].event, zone_config);

    EXPECT_EQ(run(row, event(zone_enable), ctx).error, ErrorCode::zone_already_enabled);
}

TEST(ZoneSm, DeleteAndNuke) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    run(row, event(zone_delete), ctx);
    EXPECT_EQ(row.state, ZoneState::deleted);
    EXPECT_EQ(row.deleted_start, ctx.clock);
    EXPECT_EQ(row.zi_id, 11);
    ASSERT_EQ(ctx.called("reconfig_schedule").size(), 1U);
    EXPECT_EQ(ctx.called("reconfig_schedule")[0].event, zone_remove_zone_files);

    row = zone(ZoneState::unconfig);
    run(row, event(zone_nuke_start), ctx);
    EXPECT_EQ(row.state, ZoneState::deleted);
    EXPECT_FALSE(row.deleted_start);

    row = locked_zone(ZoneState::published);
    EXPECT_EQ(run(row, event(zone_delete), ctx).error, ErrorCode::edit_lock_failure);
    EXPECT_EQ(run(row, event(zone_nuke_start), ctx).error, ErrorCode::edit_lock_failure);
}

TEST(ZoneSm, UndeleteNeedsAZiAndNoOtherLiveZone) {
    auto row = zone(ZoneState::deleted);
    row.deleted_start = TimePoint{} + 1h;
    FakeContext ctx;

    ctx.zi_present = false;
    EXPECT_EQ(run(row, event(zone_undelete), ctx).error, ErrorCode::zi_not_found);
    ctx.zi_present = true;
    ctx.other_live = true;
    const auto out = run(row, event(zone_undelete), ctx);
    EXPECT_EQ(out.error, ErrorCode::active_zone_exists);
    EXPECT_EQ(error_info(*out.error).jsonrpc_code, -69);

    ctx.other_live = false;
    ctx.calls.clear();
    run(row, event(zone_undelete), ctx);
    EXPECT_EQ(row.state, ZoneState::create);
    EXPECT_FALSE(row.deleted_start);
    EXPECT_EQ(row.zi_candidate_id, 10);
    ASSERT_EQ(ctx.called("zi_exists").size(), 1U);
    EXPECT_EQ(ctx.called("zi_exists")[0].id, 10);
    ASSERT_EQ(ctx.called("queue_zone_event").size(), 1U);
    EXPECT_EQ(ctx.called("queue_zone_event")[0].event, zone_config);

    auto bare = zone(ZoneState::deleted);
    bare.zi_id.reset();
    bare.zi_candidate_id.reset();
    EXPECT_EQ(run(bare, event(zone_undelete), ctx).error, ErrorCode::zi_not_found);
}

TEST(ZoneSm, DestroyWaitsForTheZoneFiles) {
    auto row = zone(ZoneState::deleted);
    row.zone_files = true;
    FakeContext ctx;
    const auto out = run(row, event(zone_do_destroy), ctx);
    EXPECT_EQ(out.error, ErrorCode::zone_files_still_exist);
    EXPECT_EQ(error_info(*out.error).jsonrpc_code, -70);
    EXPECT_TRUE(ctx.called("destroy_zone").empty());
    ASSERT_EQ(ctx.called("reconfig_schedule").size(), 1U);
    EXPECT_EQ(ctx.called("reconfig_schedule")[0].event, zone_remove_zone_files);

    row.zone_files = false;
    ctx.calls.clear();
    EXPECT_FALSE(run(row, event(zone_do_destroy), ctx).error);
    ASSERT_EQ(ctx.called("destroy_zone").size(), 1U);
    EXPECT_EQ(ctx.called("destroy_zone")[0].id, 42);
}

TEST(ZoneSm, RemoveZoneFilesSparesAServedTwin) {
    auto row = zone(ZoneState::deleted);
    row.zone_files = true;
    FakeContext ctx;
    ctx.other_served = true;
    run(row, event(zone_remove_zone_files), ctx);
    EXPECT_FALSE(row.zone_files);
    EXPECT_TRUE(ctx.called("remove_zone_files").empty());

    row.zone_files = true;
    ctx.other_served = false;
    run(row, event(zone_remove_zone_files), ctx);
    EXPECT_FALSE(row.zone_files);
    EXPECT_EQ(ctx.called("remove_zone_files").size(), 1U);
}

// --- Server groups ----------------------------------------------------------------------

TEST(ZoneSm, SgSwapNeedsAnAltSg) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    const auto out = run(row, event(zone_do_sg_swap), ctx);
    EXPECT_EQ(out.error, ErrorCode::zone_no_alt_sg_for_swap);
    EXPECT_EQ(error_info(*out.error).jsonrpc_code, -123);

    row.alt_sg_id = 2;
    run(row, event(zone_do_sg_swap), ctx);
    EXPECT_EQ(row.sg_id, 2);
    EXPECT_EQ(row.alt_sg_id, 1);
    const auto scheduled = ctx.called("reconfig_schedule");
    ASSERT_EQ(scheduled.size(), 1U);
    EXPECT_EQ(scheduled[0].event, zone_update);
    EXPECT_TRUE(scheduled[0].randomize);
    EXPECT_EQ(scheduled[0].params, ZoneEventParams{});
}

TEST(ZoneSm, SetAltSg) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    ZoneEventParams p;
    p.alt_sg_name = "alt-sg";
    run(row, event(zone_do_set_alt_sg, p), ctx);
    EXPECT_EQ(row.alt_sg_id, 7);
    ASSERT_EQ(ctx.called("queue_master_partial_reconfig").size(), 1U);
    EXPECT_EQ(ctx.called("queue_master_partial_reconfig")[0].id, 7);

    ctx.calls.clear();
    run(row, event(zone_do_set_alt_sg), ctx);
    EXPECT_FALSE(row.alt_sg_id);
    ASSERT_EQ(ctx.called("queue_master_partial_reconfig").size(), 1U);
    EXPECT_EQ(ctx.called("queue_master_partial_reconfig")[0].id, 7);
    EXPECT_EQ(run(row, event(zone_do_set_alt_sg), ctx).code, ResultCode::noeffect);

    p.alt_sg_name = "no-such-sg";
    const auto out = run(row, event(zone_do_set_alt_sg, p), ctx);
    EXPECT_EQ(out.error, ErrorCode::no_sg_found);
    EXPECT_EQ(error_info(*out.error).exit_status, ExitStatus::no_host);
}

// --- Edit locking -----------------------------------------------------------------------

TEST(ZoneSm, EditWithLockingOffGivesNoToken) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    const auto out = run(row, event(zone_edit), ctx);
    EXPECT_EQ(out.code, ResultCode::nochange);
    EXPECT_FALSE(out.edit_lock_token);
    EXPECT_EQ(row.lock_state, LockState::edit_unlock);
    EXPECT_TRUE(ctx.calls.empty());
}

TEST(ZoneSm, EditLocksWithTheTimeoutEventAsToken) {
    auto row = zone(ZoneState::published);
    row.edit_lock = true;
    FakeContext ctx;
    ZoneEventParams p;
    p.locked_by = "bob/Admin";
    const auto out = run(row, event(zone_edit, p), ctx);
    EXPECT_EQ(out.code, ResultCode::ok);
    const auto queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].event, zone_edit_timeout);
    EXPECT_EQ(queued[0].delay, 30min);
    EXPECT_EQ(out.edit_lock_token, queued[0].id);
    EXPECT_EQ(row.edit_lock_token, queued[0].id);
    EXPECT_EQ(row.lock_state, LockState::edit_lock);
    EXPECT_EQ(row.locked_by, "bob/Admin");
    EXPECT_EQ(row.locked_at, ctx.clock);

    const auto again = run(row, event(zone_edit, p), ctx);
    EXPECT_EQ(again.error, ErrorCode::edit_lock_failure);
    EXPECT_NE(again.message.find("bob/Admin"), std::string::npos) << again.message;
    EXPECT_EQ(error_info(ErrorCode::edit_lock_failure).exit_status, ExitStatus::temp_fail);
}

TEST(ZoneSm, EditWithoutTimeoutUsesTheEditEventAsToken) {
    auto row = zone(ZoneState::published);
    row.edit_lock = true;
    FakeContext ctx;
    ctx.lock_timeout = 0s;
    const auto out = run(row, event(zone_edit), ctx);
    EXPECT_EQ(out.edit_lock_token, 900);
    EXPECT_TRUE(ctx.calls.empty());
}

TEST(ZoneSm, TickleNeedsTheRightToken) {
    auto row = locked_zone(ZoneState::published);
    FakeContext ctx;
    run(row, event(zone_edit_lock_tickle, with_token()), ctx);
    const auto rescheduled = ctx.called("reschedule_event");
    ASSERT_EQ(rescheduled.size(), 1U);
    EXPECT_EQ(rescheduled[0].id, token);
    EXPECT_EQ(rescheduled[0].delay, 30min);

    const auto wrong = run(row, event(zone_edit_lock_tickle, with_token({}, 78)), ctx);
    EXPECT_EQ(wrong.error, ErrorCode::tickle_edit_lock_failure);
    EXPECT_EQ(error_info(ErrorCode::tickle_edit_lock_failure).jsonrpc_code, -135);

    auto unlocked = zone(ZoneState::published);
    const auto timed_out = run(unlocked, event(zone_edit_lock_tickle, with_token()), ctx);
    EXPECT_EQ(timed_out.error, ErrorCode::tickle_edit_lock_failure);
    EXPECT_NE(timed_out.message.find("timed out"), std::string::npos) << timed_out.message;
}

TEST(ZoneSm, ExitCancelsTheTimeout) {
    auto row = locked_zone(ZoneState::published);
    FakeContext ctx;
    const auto wrong = run(row, event(zone_edit_exit, with_token({}, 78)), ctx);
    EXPECT_EQ(wrong.error, ErrorCode::cancel_edit_lock_failure);
    EXPECT_TRUE(ctx.called("cancel_event").empty());

    run(row, event(zone_edit_exit, with_token()), ctx);
    const auto cancelled = ctx.called("cancel_event");
    ASSERT_EQ(cancelled.size(), 1U);
    EXPECT_EQ(cancelled[0].id, token);
    EXPECT_EQ(row.lock_state, LockState::edit_unlock);
    EXPECT_FALSE(row.edit_lock_token);
    EXPECT_TRUE(row.locked_by.empty());
    EXPECT_FALSE(row.locked_at);

    EXPECT_EQ(run(row, event(zone_edit_exit), ctx).code, ResultCode::ok); // not locked
}

TEST(ZoneSm, TimeoutReleasesTheLock) {
    auto row = locked_zone(ZoneState::disabled);
    FakeContext ctx;
    run(row, event(zone_edit_timeout), ctx);
    EXPECT_EQ(row.lock_state, LockState::edit_unlock);
    EXPECT_FALSE(row.edit_lock_token);
    EXPECT_EQ(run(row, event(zone_edit_timeout), ctx).code, ResultCode::noeffect);
}

TEST(ZoneSm, EditSavedInPublishedGoesToUpdate) {
    auto row = locked_zone(ZoneState::published);
    FakeContext ctx;
    run(row, event(zone_edit_saved, with_token(12)), ctx);
    EXPECT_EQ(row.state, ZoneState::update);
    EXPECT_EQ(row.zi_candidate_id, 12);
    EXPECT_EQ(row.zi_id, 10);
    EXPECT_EQ(row.lock_state, LockState::edit_lock); // until EditUpdate published it
    ASSERT_EQ(ctx.called("cancel_event").size(), 1U);
    EXPECT_EQ(ctx.called("cancel_event")[0].id, token);
    const auto queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].event, zone_edit_update);
    EXPECT_FALSE(queued[0].params.zi_id);
    EXPECT_EQ(queued[0].params.edit_lock_token, token);

    auto stale = locked_zone(ZoneState::published);
    EXPECT_EQ(run(stale, event(zone_edit_saved, with_token(12, 78)), ctx).error,
              ErrorCode::update_zone_failure);
}

TEST(ZoneSm, EditUpdatePublishesAndUnlocks) {
    auto row = locked_zone(ZoneState::update);
    row.zi_candidate_id = 12;
    FakeContext ctx;
    ZoneEventParams p = with_token();
    run(row, event(zone_edit_update, p), ctx);
    EXPECT_EQ(row.state, ZoneState::published);
    EXPECT_EQ(row.zi_id, 12);
    EXPECT_EQ(row.lock_state, LockState::edit_unlock);
    EXPECT_EQ(ctx.lock_seen_by_publish, LockState::edit_unlock); // folds in queued updates

    auto failing = locked_zone(ZoneState::update);
    ctx.publish_result = PublishResult::fatal;
    const auto out = run(failing, event(zone_edit_update, p), ctx);
    EXPECT_EQ(out.code, ResultCode::nochange);
    EXPECT_FALSE(out.error);
    EXPECT_EQ(failing.state, ZoneState::published);
    EXPECT_EQ(failing.lock_state, LockState::edit_unlock);
    EXPECT_EQ(failing.zi_candidate_id, 11);

    auto retry = locked_zone(ZoneState::update);
    ctx.publish_result = PublishResult::retry;
    EXPECT_EQ(run(retry, event(zone_edit_update, p), ctx).code, ResultCode::error);
    EXPECT_EQ(retry.lock_state, LockState::edit_lock);

    auto wrong = locked_zone(ZoneState::update);
    EXPECT_EQ(run(wrong, event(zone_edit_update, with_token({}, 78)), ctx).error,
              ErrorCode::update_zone_failure);
}

TEST(ZoneSm, OtherEditSavedUnlocksAtOnce) {
    auto row = locked_zone(ZoneState::unconfig);
    FakeContext ctx;
    run(row, event(zone_edit_saved, with_token(12)), ctx);
    EXPECT_EQ(row.state, ZoneState::unconfig);
    EXPECT_EQ(row.zi_id, 12);
    EXPECT_EQ(row.zi_candidate_id, 12);
    EXPECT_EQ(row.lock_state, LockState::edit_unlock);
    ASSERT_EQ(ctx.called("cancel_event").size(), 1U);
    EXPECT_EQ(ctx.called("cancel_event")[0].id, token);
    EXPECT_TRUE(ctx.called("queue_zone_event").empty());
}

TEST(ZoneSm, EditSavedNoLock) {
    auto row = zone(ZoneState::published);
    FakeContext ctx;
    run(row, event(zone_edit_saved_no_lock, with_zi(12)), ctx);
    EXPECT_EQ(row.state, ZoneState::published);
    EXPECT_EQ(row.zi_candidate_id, 12);
    EXPECT_EQ(row.zi_id, 10);
    const auto queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].event, zone_update);
    EXPECT_EQ(queued[0].params, ZoneEventParams{}); // identical for every save: they merge

    auto other = zone(ZoneState::disabled);
    ctx.calls.clear();
    run(other, event(zone_edit_saved_no_lock, with_zi(12)), ctx);
    EXPECT_EQ(other.zi_id, 12);
    EXPECT_EQ(other.zi_candidate_id, 12);
    EXPECT_TRUE(ctx.calls.empty());

    auto held = locked_zone(ZoneState::published);
    EXPECT_EQ(run(held, event(zone_edit_saved_no_lock, with_zi(12)), ctx).error,
              ErrorCode::update_zone_failure);
}

TEST(ZoneSm, ExitInUpdateQueuesAnotherEditUpdate) {
    auto row = locked_zone(ZoneState::update);
    FakeContext ctx;
    run(row, event(zone_edit_exit, with_token()), ctx);
    EXPECT_EQ(row.state, ZoneState::update);
    EXPECT_EQ(row.lock_state, LockState::edit_lock);
    const auto queued = ctx.called("queue_zone_event");
    ASSERT_EQ(queued.size(), 1U);
    EXPECT_EQ(queued[0].event, zone_edit_update);
    EXPECT_EQ(queued[0].params.edit_lock_token, token);

    EXPECT_EQ(run(row, event(zone_edit_exit, with_token({}, 78)), ctx).error,
              ErrorCode::cancel_edit_lock_failure);
}

TEST(ZoneSm, EditSavedInUpdateIsRefused) {
    auto row = locked_zone(ZoneState::update);
    FakeContext ctx;
    const auto out = run(row, event(zone_edit_saved, with_token(12)), ctx);
    EXPECT_EQ(out.error, ErrorCode::zone_not_edit_locked);
    EXPECT_NE(out.message.find("UPDATE"), std::string::npos) << out.message;
    EXPECT_EQ(ctx.side_effects(), 0U);
}

TEST(ZoneSm, LeavingUpdateReleasesTheLock) {
    for (const auto type : {zone_do_reset, zone_disable, zone_do_reconfig}) {
        auto row = locked_zone(ZoneState::update);
        FakeContext ctx;
        const auto out = run(row, event(type), ctx);
        EXPECT_FALSE(out.error) << out.message;
        EXPECT_NE(row.state, ZoneState::update);
        EXPECT_EQ(row.lock_state, LockState::edit_unlock) << to_string(type);
    }
}

} // namespace
} // namespace dms::sm
