// SPDX-License-Identifier: GPL-3.0-or-later
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/sm/master_sm.hpp"

#include "transition_grids.hpp"

namespace dms::sm {
namespace {

using namespace std::chrono_literals;
using Scope = MasterSmContext::Scope;
using enum EventType;

struct Queued {
    EventType type;
    std::chrono::milliseconds delay;
    MasterEventParams params;
};

class FakeMaster : public MasterSmContext {
public:
    TimePoint clock = TimePoint{} + 480000h;
    std::chrono::milliseconds hold = 2000ms;
    std::map<std::int64_t, std::string> sgs{{3, "sg-a"}, {4, "sg-b"}};
    bool fail_reconfigure = false;
    std::vector<std::pair<Scope, std::optional<std::int64_t>>> reconfigured;
    std::vector<Queued> queued;
    std::vector<std::string> rndc;

    TimePoint now() override { return clock; }
    std::chrono::milliseconds hold_timeout() override { return hold; }
    void reconfigure(Scope scope, std::optional<std::int64_t> sg) override {
        if (fail_reconfigure) {
            throw Error(ErrorCode::io, "rndc reconfig: exit 1: connection refused");
        }
        reconfigured.emplace_back(scope, sg);
    }
    std::vector<std::int64_t> waiting;
    std::vector<std::int64_t> sgs_waiting_for_reconfig() override { return waiting; }
    std::optional<std::string> sg_name(std::int64_t id) override {
        const auto it = sgs.find(id);
        return it == sgs.end() ? std::nullopt : std::optional(it->second);
    }
    void queue_master_event(EventType type, std::chrono::milliseconds delay,
                            const MasterEventParams& params) override {
        queued.push_back({type, delay, params});
    }
    void rndc_zone(std::string_view command, std::string_view zone) override {
        rndc.push_back(std::string(command) + " " + std::string(zone));
    }
};

MasterRow holding(std::int64_t hold_sg, FakeMaster& ctx) {
    MasterRow r;
    r.state = MasterState::hold;
    r.hold_sg = hold_sg;
    r.hold_sg_name = hold_sg > 0 ? ctx.sgs[hold_sg] : "";
    r.hold_start = ctx.clock - 1s;
    r.hold_stop = ctx.clock + 1s;
    return r;
}

MasterEvent ev(EventType type, std::optional<std::int64_t> sg = std::nullopt) {
    MasterEvent e{type, {}, 42};
    e.params.sg_id = sg;
    e.params.sg_name = sg ? "sg" : "";
    e.params.zone_name = "example.org.";
    return e;
}

TEST(MasterSm, WalksEveryStateAndEvent) {
    int cells = 0;
    for (const auto& state : master_states()) {
        for (const auto& type : event_types()) {
            if (type.machine != Machine::master) {
                continue;
            }
            const auto action = master_transition_action(state.value, type.value);
            SCOPED_TRACE(std::string(state.name) + " x " + std::string(type.name) + " -> " +
                         std::string(action));
            FakeMaster ctx;
            MasterRow row;
            if (state.value == MasterState::hold) {
                row = holding(hold_sg_master, ctx);
            }
            const auto before = row;
            const auto out = process_master_event(row, ev(type.value, 3), ctx);
            if (action.empty()) {
                EXPECT_EQ(out.code, ResultCode::nochange);
                EXPECT_EQ(out.message, "no transition for " + std::string(type.name) +
                                           " in state " + std::string(state.name));
                EXPECT_EQ(row, before);
                EXPECT_TRUE(ctx.queued.empty());
                continue;
            }
            ++cells;
            EXPECT_FALSE(out.error) << out.message;
            const bool reconfigures = action == "MR" || action == "PR" || action == "AR";
            EXPECT_EQ(ctx.reconfigured.size(), reconfigures ? 1U : 0U);
            if (reconfigures || action == "BH") {
                // Entering the hold: HOLD until now + hold, and the timeout queued for then.
                EXPECT_EQ(row.state, MasterState::hold);
                EXPECT_EQ(row.hold_stop, ctx.clock + 2s);
                ASSERT_EQ(ctx.queued.size(), 1U);
                EXPECT_EQ(ctx.queued[0].type, master_hold_timeout);
                EXPECT_EQ(ctx.queued[0].delay, 2000ms);
            }
            if (action == "RST" || action == "HT") {
                EXPECT_EQ(row.state, MasterState::ready);
                EXPECT_FALSE(row.hold_stop);
                EXPECT_EQ(row.hold_sg, hold_sg_none);
            }
            if (action == "LK" || action == "SZ") {
                EXPECT_EQ(row.state, before.state);
                ASSERT_EQ(ctx.rndc.size(), 1U);
                EXPECT_EQ(ctx.rndc[0],
                          (action == "LK" ? "loadkeys" : "sign") + std::string(" example.org."));
            }
        }
    }
    EXPECT_EQ(cells, 15);
}

TEST(MasterSm, RequestsDuringTheHoldMerge) {
    FakeMaster ctx;
    // NONE -> MASTER -> sg 3 -> (sg 3 again: unchanged) -> sg 4: ALL
    auto row = holding(hold_sg_none, ctx);
    process_master_event(row, ev(master_master_reconfig), ctx);
    EXPECT_EQ(row.hold_sg, hold_sg_master);
    process_master_event(row, ev(master_partial_reconfig, 3), ctx);
    EXPECT_EQ(row.hold_sg, 3);
    EXPECT_EQ(row.hold_sg_name, "sg-a");
    EXPECT_EQ(process_master_event(row, ev(master_partial_reconfig, 3), ctx).code,
              ResultCode::noeffect);
    EXPECT_EQ(process_master_event(row, ev(master_master_reconfig), ctx).code,
              ResultCode::noeffect);
    EXPECT_EQ(row.hold_sg, 3);
    process_master_event(row, ev(master_partial_reconfig, 4), ctx);
    EXPECT_EQ(row.hold_sg, hold_sg_all);
    EXPECT_TRUE(ctx.reconfigured.empty());
    EXPECT_TRUE(ctx.queued.empty());
}

TEST(MasterSm, HoldTimeoutQueuesWhatWasAsked) {
    const std::vector<std::pair<std::int64_t, std::optional<EventType>>> cases{
        {hold_sg_none, std::nullopt},
        {hold_sg_master, master_master_reconfig},
        {hold_sg_all, master_all_reconfig},
        {4, master_partial_reconfig}};
    for (const auto& [held, expect] : cases) {
        FakeMaster ctx;
        auto row = holding(held, ctx);
        const auto out = process_master_event(row, ev(master_hold_timeout), ctx);
        EXPECT_EQ(row.state, MasterState::ready);
        if (!expect) {
            EXPECT_EQ(out.code, ResultCode::nochange);
            EXPECT_TRUE(ctx.queued.empty());
            continue;
        }
        ASSERT_EQ(ctx.queued.size(), 1U);
        EXPECT_EQ(ctx.queued[0].type, *expect);
        EXPECT_EQ(ctx.queued[0].delay, 0ms);
        if (held == 4) {
            EXPECT_EQ(ctx.queued[0].params.sg_id, 4);
            EXPECT_EQ(ctx.queued[0].params.sg_name, "sg-b");
        }
    }
}

TEST(MasterSm, HoldEndingWithNothingAskedReconfiguresForZonesLeftWaiting) {
    // A zone's request merged into a reconfiguration already running: its events
    // still wait, so the hold's end reconfigures what they need.
    const std::vector<std::pair<std::vector<std::int64_t>, EventType>> cases{
        {{0}, master_master_reconfig},
        {{3}, master_partial_reconfig},
        {{3, 4}, master_all_reconfig},
        {{0, 4}, master_all_reconfig}};
    for (const auto& [waiting, expect] : cases) {
        FakeMaster ctx;
        ctx.waiting = waiting;
        auto row = holding(hold_sg_none, ctx);
        const auto out = process_master_event(row, ev(master_hold_timeout), ctx);
        EXPECT_EQ(row.state, MasterState::ready);
        EXPECT_EQ(out.code, ResultCode::ok);
        ASSERT_EQ(ctx.queued.size(), 1U);
        EXPECT_EQ(ctx.queued[0].type, expect);
        if (expect == master_partial_reconfig) {
            EXPECT_EQ(ctx.queued[0].params.sg_id, 3);
            EXPECT_EQ(ctx.queued[0].params.sg_name, "sg-a");
        }
        EXPECT_TRUE(ctx.reconfigured.empty()) << "the queued event reconfigures";
    }
}

TEST(MasterSm, UnknownSgIsRefusedAndChangesNothing) {
    for (const auto state : {MasterState::ready, MasterState::hold}) {
        FakeMaster ctx;
        MasterRow row = state == MasterState::hold ? holding(hold_sg_none, ctx) : MasterRow{};
        const auto before = row;
        const auto out = process_master_event(row, ev(master_partial_reconfig, 99), ctx);
        EXPECT_EQ(out.error, ErrorCode::no_sg_found);
        EXPECT_EQ(out.code, ResultCode::fatal);
        EXPECT_EQ(row, before);
        EXPECT_TRUE(ctx.reconfigured.empty());
        EXPECT_TRUE(ctx.queued.empty());
    }
}

TEST(MasterSm, FailedReconfigurationPassesThroughAndStaysReady) {
    FakeMaster ctx;
    ctx.fail_reconfigure = true;
    MasterRow row;
    EXPECT_THROW(process_master_event(row, ev(master_master_reconfig), ctx), Error);
    EXPECT_EQ(row, MasterRow{});
    EXPECT_TRUE(ctx.queued.empty());
}

TEST(MasterSm, RefusesOtherMachinesEvents) {
    FakeMaster ctx;
    MasterRow row;
    EXPECT_THROW(process_master_event(row, ev(zone_update), ctx), Error);
}

} // namespace
} // namespace dms::sm
