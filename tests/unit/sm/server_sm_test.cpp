// SPDX-License-Identifier: GPL-3.0-or-later
// ServerSM against a fake context: the transition table of REFERENCE.md 3.3, the
// step outcomes (OK / RETRY / BROKEN), back-off and the periodic check.
#include <algorithm>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/sm/server_sm.hpp"

#include "transition_grids.hpp"

namespace dms::sm {
namespace {

using namespace std::chrono_literals;
using enum EventType;

struct Queued {
    EventType type;
    std::chrono::milliseconds delay;
};

class FakeServer : public ServerSmContext {
public:
    TimePoint clock = TimePoint{} + 480000h;
    std::optional<std::string> conflict;
    bool local = false;
    StepResult send = StepResult::ok(), reload = StepResult::ok(), status_r = StepResult::ok(),
               serials = StepResult::ok(), keys = StepResult::ok();
    StepResult probe_r = StepResult{StepResult::Kind::ok, "", 1.5};
    std::optional<std::int64_t> zones = 12;
    SerialCheck found = {12, {{"a.test.", 5, "serial 4 < 5"}, {"b.test.", 7, "SERVFAIL"}}, {}, 0};
    std::vector<ZoneLag> after_notify = {{"b.test.", 7, "SERVFAIL"}}; ///< still behind then
    std::vector<ZoneLag> notified, retransferred;
    std::vector<std::string> calls;
    std::vector<Queued> queued;

    TimePoint now() override { return clock; }
    std::optional<std::string> address_conflict(const ServerRow&) override { return conflict; }
    bool is_this_machine(const ServerRow&) override { return local; }
    StepResult send_config(const ServerRow&) override {
        calls.push_back("send");
        return send;
    }
    StepResult send_keys(const ServerRow&) override {
        calls.push_back("keys");
        return keys;
    }
    StepResult reload_config(const ServerRow&) override {
        calls.push_back("reload");
        return reload;
    }
    StepResult probe(const ServerRow&) override {
        calls.push_back("probe");
        return probe_r;
    }
    StepResult status(const ServerRow&, std::optional<std::int64_t>& zone_count) override {
        calls.push_back("status");
        zone_count = zones;
        return status_r;
    }
    StepResult check_serials(const ServerRow&, SerialCheck& out) override {
        calls.push_back("serials");
        out = found;
        return serials;
    }
    std::vector<ZoneLag> notify_zones(const ServerRow&, const std::vector<ZoneLag>& z) override {
        calls.push_back("notify");
        notified = z;
        return after_notify;
    }
    void retransfer_zones(const ServerRow&, const std::vector<ZoneLag>& z) override {
        calls.push_back("retransfer");
        retransferred = z;
    }
    void queue_server_event(EventType type, std::chrono::milliseconds delay) override {
        queued.push_back({type, delay});
    }
    std::chrono::milliseconds check_interval() override { return 300s; }
    std::chrono::milliseconds lag_grace() override { return 30s; }
    std::chrono::milliseconds retry_delay(int failures) override { return failures * 10s; }
};

ServerRow in(ServerState state) {
    ServerRow r;
    r.id = 7;
    r.name = "slave1";
    r.state = state;
    return r;
}

Outcome run(ServerRow& row, EventType type, FakeServer& ctx) {
    return process_server_event(row, ServerEvent{type, 99}, ctx);
}

constexpr std::array all_states{ServerState::disabled, ServerState::config, ServerState::ok,
                                ServerState::retry, ServerState::broken};
constexpr std::array all_events{server_enable,    server_disable,       server_reset,
                                server_configure, server_config_change, server_check_server};

TEST(ServerSm, BlankCellsAreNoOpsAndChangeNothing) {
    int blanks = 0;
    for (const auto state : all_states) {
        for (const auto event : all_events) {
            if (!server_transition_action(state, event).empty()) {
                // The grid says there is a row: the machine has it.
                FakeServer ctx;
                auto row = in(state);
                const auto out = run(row, event, ctx);
                EXPECT_EQ(out.message.find("no transition"), std::string::npos)
                    << to_string(state) << " " << to_string(event);
                continue;
            }
            ++blanks;
            FakeServer ctx;
            auto row = in(state);
            row.retry_msg = "before";
            const auto before = row;
            const auto out = run(row, event, ctx);
            EXPECT_EQ(out.code, ResultCode::nochange) << to_string(state) << to_string(event);
            EXPECT_NE(out.message.find("no transition"), std::string::npos);
            EXPECT_EQ(row, before);
            EXPECT_TRUE(ctx.calls.empty());
            EXPECT_TRUE(ctx.queued.empty());
        }
    }
    // REFERENCE.md 3.3: a disabled server's queued events are all blank.
    EXPECT_EQ(blanks, 11);
    for (const auto event : {server_configure, server_config_change, server_check_server}) {
        EXPECT_TRUE(server_transition_action(ServerState::disabled, event).empty());
    }
}

TEST(ServerSm, EnableConfiguresAndIsRefusedTwiceOrOnAnAddressInUse) {
    FakeServer ctx;
    auto row = in(ServerState::disabled);
    auto out = run(row, server_enable, ctx);
    EXPECT_EQ(out.code, ResultCode::ok);
    EXPECT_EQ(row.state, ServerState::config);
    ASSERT_EQ(ctx.queued.size(), 1U);
    EXPECT_EQ(ctx.queued[0].type, server_configure);
    EXPECT_EQ(ctx.queued[0].delay, 0ms);

    for (const auto state : {ServerState::config, ServerState::ok, ServerState::retry}) {
        auto enabled = in(state);
        const auto before = enabled;
        out = run(enabled, server_enable, ctx);
        EXPECT_EQ(out.error, ErrorCode::server_already_enabled);
        EXPECT_EQ(enabled, before);
    }
    auto disabled = in(ServerState::disabled);
    out = run(disabled, server_disable, ctx);
    EXPECT_EQ(out.error, ErrorCode::server_already_disabled);

    FakeServer taken;
    taken.conflict = "slave9";
    auto other = in(ServerState::disabled);
    out = run(other, server_enable, taken);
    EXPECT_EQ(out.error, ErrorCode::server_enable_failure);
    EXPECT_NE(out.message.find("slave9"), std::string::npos);
    EXPECT_EQ(other.state, ServerState::disabled);
    EXPECT_TRUE(taken.queued.empty());
}

TEST(ServerSm, ConfigureSendsReloadsProbesThenSchedulesTheCheck) {
    for (const auto state : {ServerState::config, ServerState::retry, ServerState::broken}) {
        FakeServer ctx;
        auto row = in(state);
        row.retry_msg = "old trouble";
        row.retry_count = 3;
        const auto out = run(row, server_configure, ctx);
        EXPECT_EQ(out.code, ResultCode::ok);
        EXPECT_EQ(row.state, ServerState::ok);
        EXPECT_EQ(ctx.calls, (std::vector<std::string>{"send", "keys", "probe", "reload"}));
        EXPECT_EQ(row.retry_msg, "");
        EXPECT_EQ(row.retry_count, 0);
        EXPECT_EQ(row.last_reply, ctx.clock);
        EXPECT_EQ(row.probe_rtt_ms, 1.5);
        ASSERT_EQ(ctx.queued.size(), 1U);
        EXPECT_EQ(ctx.queued[0].type, server_check_server);
        EXPECT_EQ(ctx.queued[0].delay, 10s) << "the first check comes soon after configuring";
    }
}

TEST(ServerSm, ThisMachineIsNeitherRsyncedNorReloaded) {
    FakeServer ctx;
    ctx.local = true;
    auto row = in(ServerState::config);
    run(row, server_configure, ctx);
    EXPECT_EQ(row.state, ServerState::ok);
    EXPECT_EQ(ctx.calls, (std::vector<std::string>{"probe"}));
}

TEST(ServerSm, AFailedStepIsRetryWithItsErrorAndBacksOff) {
    FakeServer ctx;
    ctx.send = StepResult::retry("rsync exit 5: @ERROR: auth failed on module dnsconf");
    auto row = in(ServerState::config);
    auto out = run(row, server_configure, ctx);
    EXPECT_EQ(out.code, ResultCode::ok) << "the event did its job";
    EXPECT_EQ(row.state, ServerState::retry);
    EXPECT_EQ(row.retry_msg,
              "sending the configuration: rsync exit 5: @ERROR: auth failed on module dnsconf");
    EXPECT_EQ(row.retry_count, 1);
    EXPECT_EQ(ctx.calls, (std::vector<std::string>{"send"})) << "nothing after the failure";
    ASSERT_EQ(ctx.queued.size(), 1U);
    EXPECT_EQ(ctx.queued[0].type, server_configure);
    EXPECT_EQ(ctx.queued[0].delay, 10s);

    ctx.queued.clear();
    out = run(row, server_configure, ctx);
    EXPECT_EQ(row.state, ServerState::retry);
    EXPECT_EQ(row.retry_count, 2);
    EXPECT_EQ(ctx.queued.at(0).delay, 20s) << "backs off with the failures";

    // Fixed: it answers again, OK without the operator.
    ctx.send = StepResult::ok();
    ctx.queued.clear();
    run(row, server_configure, ctx);
    EXPECT_EQ(row.state, ServerState::ok);
    EXPECT_EQ(row.retry_count, 0);
    EXPECT_EQ(row.retry_msg, "");
}

TEST(ServerSm, OnlyABrokenAnswerIsBroken) {
    FakeServer ctx;
    ctx.probe_r = StepResult::broken("127.0.0.3:53 localhost. SOA: SERVFAIL");
    auto row = in(ServerState::config);
    run(row, server_configure, ctx);
    EXPECT_EQ(row.state, ServerState::broken);
    EXPECT_EQ(row.retry_msg, "SOA probe: 127.0.0.3:53 localhost. SOA: SERVFAIL");
    EXPECT_EQ(ctx.queued.at(0).type, server_configure);

    FakeServer timeout;
    timeout.probe_r = StepResult::retry("127.0.0.3:53: timed out after 5 s");
    auto other = in(ServerState::config);
    run(other, server_configure, timeout);
    EXPECT_EQ(other.state, ServerState::retry);

    FakeServer rndc;
    rndc.reload = StepResult::retry("rndc exit 1: connection refused");
    auto third = in(ServerState::broken);
    run(third, server_configure, rndc);
    EXPECT_EQ(third.state, ServerState::retry);
    EXPECT_EQ(third.retry_msg, "rndc reconfig: rndc exit 1: connection refused");
}

TEST(ServerSm, CheckRecordsZonesAndLagAndReschedules) {
    FakeServer ctx;
    ctx.found = {12, {}, {}, 0};
    auto row = in(ServerState::ok);
    const auto out = run(row, server_check_server, ctx);
    EXPECT_EQ(out.code, ResultCode::ok);
    EXPECT_EQ(row.state, ServerState::ok);
    EXPECT_EQ(ctx.calls, (std::vector<std::string>{"probe", "status", "serials", "keys"}));
    EXPECT_EQ(row.zone_count, 12);
    EXPECT_EQ(row.lagging_zones, 0);
    EXPECT_EQ(row.repairs, 0);
    EXPECT_EQ(ctx.queued.at(0).type, server_check_server);
    EXPECT_EQ(ctx.queued.at(0).delay, 300s) << "then every check interval";
    EXPECT_NE(out.message.find("0 of 12 behind"), std::string::npos) << out.message;

    FakeServer down;
    down.probe_r = StepResult::retry("connection refused");
    run(row, server_check_server, down);
    EXPECT_EQ(row.state, ServerState::retry);
    EXPECT_EQ(row.zone_count, 12) << "kept from the last check";
    EXPECT_EQ(down.queued.at(0).type, server_configure);
}

// Issue 11 item 4: zones behind are repaired, not only counted.
TEST(ServerSm, ZonesBehindGetNotifyThenRetransferAndAreCounted) {
    FakeServer ctx;
    auto row = in(ServerState::ok);
    row.repairs = 3;
    const auto out = run(row, server_check_server, ctx);
    EXPECT_EQ(row.state, ServerState::ok);
    EXPECT_EQ(ctx.calls, (std::vector<std::string>{"probe", "status", "serials", "keys", "notify",
                                                   "retransfer"}));
    ASSERT_EQ(ctx.notified.size(), 2U);
    EXPECT_EQ(ctx.notified[0].zone, "a.test.");
    ASSERT_EQ(ctx.retransferred.size(), 1U) << "only what the NOTIFY did not bring";
    EXPECT_EQ(ctx.retransferred[0].zone, "b.test.");
    EXPECT_EQ(row.repairs, 5) << "each zone repaired counts";
    EXPECT_EQ(row.lagging_zones, 1) << "behind until a check sees it in step";
    EXPECT_EQ(ctx.queued.at(0).type, server_check_server);
    EXPECT_EQ(ctx.queued.at(0).delay, 30s) << "the repair is looked at again soon";
    EXPECT_NE(out.message.find("2 of 12 behind the master, NOTIFY sent for 2, 1 retransferred"),
              std::string::npos)
        << out.message;

    // Next check: still behind after a repair: repaired again, but at the usual pace.
    FakeServer again;
    again.found = {12, {{"b.test.", 7, "SERVFAIL"}}, {}, 0};
    run(row, server_check_server, again);
    EXPECT_EQ(again.retransferred.size(), 1U);
    EXPECT_EQ(row.repairs, 6);
    EXPECT_EQ(again.queued.at(0).delay, 300s);

    // All in step after the NOTIFY: no retransfer, nothing lagging.
    FakeServer healed;
    healed.after_notify.clear();
    auto fresh = in(ServerState::ok);
    run(fresh, server_check_server, healed);
    EXPECT_EQ(healed.calls.back(), "notify");
    EXPECT_EQ(fresh.lagging_zones, 0);
    EXPECT_EQ(fresh.repairs, 2);
    EXPECT_EQ(healed.queued.at(0).delay, 300s);
}

TEST(ServerSm, ZonesMissingOnTheServerGetTheConfigurationAgain) {
    FakeServer ctx;
    ctx.found = {12, {}, {{"c.test.", 3, "REFUSED"}}, 0};
    auto row = in(ServerState::ok);
    run(row, server_check_server, ctx);
    EXPECT_EQ(row.state, ServerState::ok);
    EXPECT_EQ(ctx.calls, (std::vector<std::string>{"probe", "status", "serials", "keys"}));
    ASSERT_EQ(ctx.queued.size(), 2U);
    EXPECT_EQ(ctx.queued[0].type, server_config_change);
    EXPECT_EQ(ctx.queued[0].delay, 0ms);
    EXPECT_EQ(row.repairs, 1);
    EXPECT_EQ(row.lagging_zones, 1);
}

TEST(ServerSm, ZonesInTransitAreNeitherLaggingNorRepairedButLookedAtSoon) {
    FakeServer ctx;
    ctx.found = {12, {}, {}, 4};
    auto row = in(ServerState::ok);
    const auto out = run(row, server_check_server, ctx);
    EXPECT_EQ(ctx.calls, (std::vector<std::string>{"probe", "status", "serials", "keys"}));
    EXPECT_EQ(row.lagging_zones, 0);
    EXPECT_EQ(row.repairs, 0);
    EXPECT_EQ(ctx.queued.at(0).delay, 30s) << "judged once the grace is over";
    EXPECT_NE(out.message.find("4 in transit"), std::string::npos) << out.message;
}

TEST(ServerSm, TheMastersOwnNamedIsNeverRepaired) {
    FakeServer ctx;
    ctx.local = true;
    ctx.found = {12, {{"a.test.", 5, "serial 4 < 5"}}, {{"c.test.", 3, "REFUSED"}}, 0};
    auto row = in(ServerState::ok);
    run(row, server_check_server, ctx);
    EXPECT_EQ(ctx.calls, (std::vector<std::string>{"probe", "status", "serials"}));
    EXPECT_EQ(row.lagging_zones, 2);
    EXPECT_EQ(row.repairs, 0);
    EXPECT_EQ(ctx.queued.size(), 1U);
}

// Issue 14: a replica that cannot take the DNSSEC keys is not OK (it could not sign
// after a promotion): configure stops there, and a check that cannot send them goes to
// RETRY with the rsync error; the master's own named is never sent keys.
TEST(ServerSm, KeysThatCannotBeSentMakeTheServerRetry) {
    FakeServer ctx;
    ctx.keys = StepResult::retry("rsync to 127.0.0.5:873 module dnssec: exit 5: auth failed");
    auto row = in(ServerState::config);
    run(row, server_configure, ctx);
    EXPECT_EQ(row.state, ServerState::retry);
    EXPECT_EQ(row.retry_msg, "sending the DNSSEC keys: rsync to 127.0.0.5:873 module dnssec: "
                             "exit 5: auth failed");
    EXPECT_EQ(ctx.calls, (std::vector<std::string>{"send", "keys"}));

    FakeServer check;
    check.found = {12, {}, {}, 0};
    check.keys = ctx.keys;
    auto ok = in(ServerState::ok);
    run(ok, server_check_server, check);
    EXPECT_EQ(ok.state, ServerState::retry);
    EXPECT_EQ(check.queued.at(0).type, server_configure);

    FakeServer local;
    local.local = true;
    local.keys = ctx.keys;
    auto self = in(ServerState::ok);
    run(self, server_check_server, local);
    EXPECT_EQ(self.state, ServerState::ok);
    EXPECT_EQ(std::count(local.calls.begin(), local.calls.end(), "keys"), 0);
}

TEST(ServerSm, ConfigureRecordsWhenTheConfigurationArrived) {
    FakeServer ctx;
    auto row = in(ServerState::config);
    run(row, server_configure, ctx);
    EXPECT_EQ(row.configured_at, ctx.clock);
    run(row, server_disable, ctx);
    EXPECT_FALSE(row.configured_at);
}

TEST(ServerSm, ResetAndConfigChangeGoBackToConfig) {
    for (const auto state :
         {ServerState::config, ServerState::ok, ServerState::retry, ServerState::broken}) {
        FakeServer ctx;
        auto row = in(state);
        row.retry_msg = "x";
        run(row, server_reset, ctx);
        EXPECT_EQ(row.state, ServerState::config);
        EXPECT_EQ(row.retry_msg, "");
        EXPECT_EQ(ctx.queued.at(0).type, server_configure);
        EXPECT_EQ(ctx.queued.at(0).delay, 0ms);
    }
    FakeServer ctx;
    auto ok = in(ServerState::ok);
    run(ok, server_config_change, ctx);
    EXPECT_EQ(ok.state, ServerState::config);
}

TEST(ServerSm, DisableForgetsTheServersHealth) {
    FakeServer ctx;
    auto row = in(ServerState::ok);
    row.last_reply = ctx.clock;
    row.probe_rtt_ms = 2;
    row.lagging_zones = 1;
    row.retry_msg = "x";
    run(row, server_disable, ctx);
    EXPECT_EQ(row.state, ServerState::disabled);
    EXPECT_FALSE(row.last_reply);
    EXPECT_FALSE(row.probe_rtt_ms);
    EXPECT_FALSE(row.lagging_zones);
    EXPECT_EQ(row.retry_msg, "");
}

TEST(ServerSm, RefusesOtherMachinesEvents) {
    FakeServer ctx;
    auto row = in(ServerState::ok);
    EXPECT_THROW(run(row, zone_update, ctx), Error);
}

} // namespace
} // namespace dms::sm
