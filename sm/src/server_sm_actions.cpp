// SPDX-License-Identifier: GPL-3.0-or-later
// ServerSM actions (REFERENCE.md 3.3). Differences from the original, on purpose
// (REFERENCE.md 12): a failed step is RETRY unless the server answered with something
// malformed or broken (BROKEN); the retry delay backs off with the consecutive
// failures instead of a fixed 10-20 minutes; retry_msg is the step's own error text;
// the periodic check also compares the serial of every zone with the master's and
// repairs the zones that fell behind (the original only counted the server's zones);
// a replica receives the DNSSEC keys at every check too, not only when configured.

#include "server_sm_actions.hpp"

#include <fmt/format.h>

namespace dms::sm::detail {
namespace {

using namespace std::chrono_literals;

void done(ServerSmRun& run, ResultCode code, std::string_view what) {
    run.outcome.code = code;
    run.outcome.message = fmt::format("ServerSM {}: {}", run.row.name, what);
}

[[noreturn]] void refuse_server(const ServerSmRun& run, ErrorCode code, std::string_view why) {
    throw Refusal(code, fmt::format("server '{}': {}", run.row.name, why));
}

/// A step failed: record why, and try the whole configuration again after the back-off.
void failed(ServerSmRun& run, const StepResult& r, std::string_view step) {
    run.step = r;
    run.step.message = fmt::format("{}: {}", step, r.message);
    run.row.retry_msg = run.step.message;
    run.row.retry_count += 1;
    const auto delay = run.ctx.retry_delay(run.row.retry_count);
    run.ctx.queue_server_event(EventType::server_configure, delay);
    // The event did its job: the server's state says what went wrong.
    done(run, ResultCode::ok,
         fmt::format("{} ({} failure{} in a row), configuring again in {} s", run.step.message,
                     run.row.retry_count, run.row.retry_count == 1 ? "" : "s",
                     std::chrono::duration_cast<std::chrono::seconds>(delay).count()));
}

void answered(ServerSmRun& run, const StepResult& probe) {
    run.row.last_reply = run.ctx.now();
    run.row.probe_rtt_ms = probe.rtt_ms;
}

/// The first check after a configuration: soon, so that the zone count and the serials
/// (after the slave's transfers, seconds) show without waiting a whole check interval.
constexpr std::chrono::milliseconds check_after_configure = 10s;

void succeeded(ServerSmRun& run, std::chrono::milliseconds next_check) {
    run.step = StepResult::ok();
    run.row.retry_msg.clear();
    run.row.retry_count = 0;
    run.ctx.queue_server_event(EventType::server_check_server, next_check);
}

} // namespace

void enable_server(ServerSmRun& run) {
    if (const auto other = run.ctx.address_conflict(run.row)) {
        refuse_server(run, ErrorCode::server_enable_failure,
                      fmt::format("enabled server '{}' has the same address and port", *other));
    }
    run.row.retry_msg.clear();
    run.row.retry_count = 0;
    run.ctx.queue_server_event(EventType::server_configure, 0ms);
    done(run, ResultCode::ok, "enabled, configuring");
}

void disable_server(ServerSmRun& run) {
    run.row.last_reply.reset();
    run.row.retry_msg.clear();
    run.row.retry_count = 0;
    run.row.probe_rtt_ms.reset();
    run.row.lagging_zones.reset();
    run.row.configured_at.reset();
    done(run, ResultCode::ok, "disabled; its pending events will do nothing");
}

void already_enabled(ServerSmRun& run) {
    refuse_server(run, ErrorCode::server_already_enabled,
                  fmt::format("already enabled ({})", to_string(run.row.state)));
}

void already_disabled(ServerSmRun& run) {
    refuse_server(run, ErrorCode::server_already_disabled, "already disabled");
}

void config_change(ServerSmRun& run) {
    run.row.retry_msg.clear();
    run.ctx.queue_server_event(EventType::server_configure, 0ms);
    done(run, ResultCode::ok, "configuration changed, configuring");
}

void configure_server(ServerSmRun& run) {
    const bool local = run.ctx.is_this_machine(run.row);
    if (!local) {
        if (auto r = run.ctx.send_config(run.row); r.kind != StepResult::Kind::ok) {
            return failed(run, r, "sending the configuration");
        }
        if (auto r = run.ctx.send_keys(run.row); r.kind != StepResult::Kind::ok) {
            return failed(run, r, "sending the DNSSEC keys");
        }
    }
    const auto probe = run.ctx.probe(run.row);
    if (probe.kind != StepResult::Kind::ok) {
        return failed(run, probe, "SOA probe");
    }
    answered(run, probe);
    // This machine's own named is reconfigured by MasterSM; rndc here could race it.
    if (!local) {
        if (auto r = run.ctx.reload_config(run.row); r.kind != StepResult::Kind::ok) {
            return failed(run, r, "rndc reconfig");
        }
    }
    run.row.configured_at = run.ctx.now();
    succeeded(run, std::min(run.ctx.check_interval(), check_after_configure));
    done(run, ResultCode::ok,
         local
             ? "this machine: answering, configured by the master"
             : fmt::format("configuration sent and loaded, answering in {:.1f} ms", probe.rtt_ms));
}

void check_server(ServerSmRun& run) {
    const auto probe = run.ctx.probe(run.row);
    if (probe.kind != StepResult::Kind::ok) {
        return failed(run, probe, "SOA probe");
    }
    answered(run, probe);
    std::optional<std::int64_t> zones;
    if (auto r = run.ctx.status(run.row, zones); r.kind != StepResult::Kind::ok) {
        return failed(run, r, "rndc status");
    }
    if (zones) {
        run.row.zone_count = zones;
    }
    SerialCheck found;
    if (auto r = run.ctx.check_serials(run.row, found); r.kind != StepResult::Kind::ok) {
        return failed(run, r, "serial check");
    }
    const auto previous = run.row.lagging_zones.value_or(0);
    std::string repaired;
    auto still = found.behind;
    // This machine is the master: nothing to transfer from, and its lag is the
    // reconciler's (drift) or the zones' own (publishing) to repair.
    if (!run.ctx.is_this_machine(run.row)) {
        if (auto r = run.ctx.send_keys(run.row); r.kind != StepResult::Kind::ok) {
            return failed(run, r, "sending the DNSSEC keys");
        }
        if (!found.missing.empty()) {
            // Configure again; in OK, ConfigChange is the way back to CONFIG.
            run.ctx.queue_server_event(EventType::server_config_change, 0ms);
            repaired += fmt::format(", configuration sent again for {}", found.missing.size());
        }
        if (!found.behind.empty()) {
            still = run.ctx.notify_zones(run.row, found.behind);
            repaired += fmt::format(", NOTIFY sent for {}", found.behind.size());
            if (!still.empty()) {
                run.ctx.retransfer_zones(run.row, still);
                repaired += fmt::format(", {} retransferred", still.size());
            }
        }
        run.row.repairs += static_cast<std::int64_t>(found.behind.size() + found.missing.size());
    }
    const auto lagging = static_cast<std::int64_t>(still.size() + found.missing.size());
    run.row.lagging_zones = lagging;
    // Judge the zones in transit once their grace is over, and see soon whether a
    // repair worked (but not again and again for zones it cannot repair).
    auto next = run.ctx.check_interval();
    if (found.in_transit > 0 || (lagging > 0 && previous == 0)) {
        next = std::min(next, std::max(run.ctx.lag_grace(), check_after_configure));
    }
    succeeded(run, next);
    const auto behind = static_cast<std::int64_t>(found.behind.size() + found.missing.size());
    done(run, ResultCode::ok,
         fmt::format("answering in {:.1f} ms, {} zones, {} of {} behind the master{}{}{}",
                     probe.rtt_ms, run.row.zone_count ? std::to_string(*run.row.zone_count) : "?",
                     behind, found.checked, repaired,
                     behind > 0 ? fmt::format(", {} still behind", lagging) : "",
                     found.in_transit > 0 ? fmt::format(", {} in transit", found.in_transit) : ""));
}

void server_no_transition(ServerSmRun& run) {
    run.outcome.code = ResultCode::nochange;
    run.outcome.message = fmt::format("no transition for {} in state {}", to_string(run.event.type),
                                      to_string(run.row.state));
}

bool step_ok(const ServerSmRun& run) {
    return run.step.kind == StepResult::Kind::ok;
}
bool step_retry(const ServerSmRun& run) {
    return run.step.kind == StepResult::Kind::retry;
}
bool step_broken(const ServerSmRun& run) {
    return run.step.kind == StepResult::Kind::broken;
}

} // namespace dms::sm::detail
