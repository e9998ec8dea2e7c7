// SPDX-License-Identifier: GPL-3.0-or-later
// MasterSM actions (REFERENCE.md 3.2). Differences from the original, on purpose: the
// hold lasts master_hold_timeout seconds, not minutes; a PartialReconfig for an SG that
// does not exist is refused before anything is rewritten.

#include "master_sm_actions.hpp"

#include <fmt/format.h>

namespace dms::sm::detail {
namespace {

using namespace std::chrono_literals;

void done(MasterSmRun& run, ResultCode code, std::string_view what) {
    run.outcome.code = code;
    run.outcome.message = fmt::format("MasterSM: {}", what);
}

void enter_hold(MasterSmRun& run, std::int64_t hold_sg) {
    auto& row = run.row;
    const auto hold = run.ctx.hold_timeout();
    row.hold_sg = hold_sg;
    row.hold_sg_name.clear();
    row.hold_start = run.ctx.now();
    row.hold_stop = *row.hold_start + std::chrono::duration_cast<TimePoint::duration>(hold);
    run.ctx.queue_master_event(EventType::master_hold_timeout, hold, {});
}

void clear_hold(MasterRow& row) {
    row.hold_sg = hold_sg_none;
    row.hold_sg_name.clear();
    row.hold_start.reset();
    row.hold_stop.reset();
}

std::string required_sg(const MasterSmRun& run) {
    const auto& p = run.event.params;
    const auto name = p.sg_id ? run.ctx.sg_name(*p.sg_id) : std::nullopt;
    if (!name) {
        throw Refusal(ErrorCode::no_sg_found,
                      fmt::format("MasterSM: no server group {} ('{}') to reconfigure",
                                  p.sg_id.value_or(0), p.sg_name));
    }
    return *name;
}

std::string hold_text(const MasterRow& row) {
    switch (row.hold_sg) {
    case hold_sg_none:
        return "nothing";
    case hold_sg_master:
        return "the master";
    case hold_sg_all:
        return "all server groups";
    default:
        return fmt::format("server group '{}'", row.hold_sg_name);
    }
}

} // namespace

void reconfig_master(MasterSmRun& run) {
    run.ctx.reconfigure(MasterSmContext::Scope::master, std::nullopt);
    enter_hold(run, hold_sg_none);
    done(run, ResultCode::ok, "master reconfigured, holding");
}

void reconfig_partial(MasterSmRun& run) {
    const auto name = required_sg(run);
    run.ctx.reconfigure(MasterSmContext::Scope::sg, run.event.params.sg_id);
    enter_hold(run, hold_sg_none);
    done(run, ResultCode::ok,
         fmt::format("master and server group '{}' reconfigured, holding", name));
}

void reconfig_all(MasterSmRun& run) {
    run.ctx.reconfigure(MasterSmContext::Scope::all, std::nullopt);
    enter_hold(run, hold_sg_none);
    done(run, ResultCode::ok, "master and all server groups reconfigured, holding");
}

void batch_hold(MasterSmRun& run) {
    enter_hold(run, hold_sg_all);
    done(run, ResultCode::ok, "holding for a batch, all server groups at the end");
}

void hold_master(MasterSmRun& run) {
    if (run.row.hold_sg == hold_sg_none) {
        run.row.hold_sg = hold_sg_master;
        done(run, ResultCode::ok, "master reconfiguration at the end of the hold");
        return;
    }
    done(run, ResultCode::noeffect,
         "already reconfiguring " + hold_text(run.row) + " at the end of the hold");
}

void hold_partial(MasterSmRun& run) {
    const auto name = required_sg(run);
    auto& row = run.row;
    const auto sg = *run.event.params.sg_id;
    if (row.hold_sg == hold_sg_none || row.hold_sg == hold_sg_master) {
        row.hold_sg = sg;
        row.hold_sg_name = name;
    } else if (row.hold_sg != sg && row.hold_sg != hold_sg_all) {
        row.hold_sg = hold_sg_all;
        row.hold_sg_name.clear();
    } else {
        done(run, ResultCode::noeffect,
             "already reconfiguring " + hold_text(row) + " at the end of the hold");
        return;
    }
    done(run, ResultCode::ok, "reconfiguring " + hold_text(row) + " at the end of the hold");
}

void hold_all(MasterSmRun& run) {
    if (run.row.hold_sg == hold_sg_all) {
        done(run, ResultCode::noeffect, "already reconfiguring all server groups");
        return;
    }
    run.row.hold_sg = hold_sg_all;
    run.row.hold_sg_name.clear();
    done(run, ResultCode::ok, "reconfiguring all server groups at the end of the hold");
}

void hold_timeout(MasterSmRun& run) {
    auto& row = run.row;
    const auto held = row.hold_sg;
    const auto held_name = row.hold_sg_name;
    const auto what = hold_text(row);
    clear_hold(row);
    switch (held) {
    case hold_sg_none: {
        const auto waiting = run.ctx.sgs_waiting_for_reconfig();
        if (waiting.empty()) {
            done(run, ResultCode::nochange, "hold ended, nothing was asked meanwhile");
            return;
        }
        if (waiting.size() == 1 && waiting.front() == 0) {
            run.ctx.queue_master_event(EventType::master_master_reconfig, 0ms, {});
        } else if (waiting.size() == 1) {
            MasterEventParams p;
            p.sg_id = waiting.front();
            p.sg_name = run.ctx.sg_name(waiting.front()).value_or("");
            run.ctx.queue_master_event(EventType::master_partial_reconfig, 0ms, p);
        } else {
            run.ctx.queue_master_event(EventType::master_all_reconfig, 0ms, {});
        }
        done(run, ResultCode::ok,
             "hold ended; zones wait for a reconfiguration that ran without them, reconfiguring");
        return;
    }
    case hold_sg_master:
        run.ctx.queue_master_event(EventType::master_master_reconfig, 0ms, {});
        break;
    case hold_sg_all:
        run.ctx.queue_master_event(EventType::master_all_reconfig, 0ms, {});
        break;
    default: {
        MasterEventParams p;
        p.sg_id = held;
        p.sg_name = held_name;
        run.ctx.queue_master_event(EventType::master_partial_reconfig, 0ms, p);
    }
    }
    done(run, ResultCode::ok, "hold ended, reconfiguring " + what);
}

void hold_batch(MasterSmRun& run) {
    done(run, ResultCode::nochange, "already holding");
}

void reset(MasterSmRun& run) {
    clear_hold(run.row);
    run.ctx.queue_master_event(EventType::master_all_reconfig, 0ms, {});
    done(run, ResultCode::ok, "reset, reconfiguring everything");
}

void load_keys(MasterSmRun& run) {
    run.ctx.rndc_zone("loadkeys", run.event.params.zone_name);
    done(run, ResultCode::ok, "rndc loadkeys " + run.event.params.zone_name);
}

void sign_zone(MasterSmRun& run) {
    run.ctx.rndc_zone("sign", run.event.params.zone_name);
    done(run, ResultCode::ok, "rndc sign " + run.event.params.zone_name);
}

void master_no_transition(MasterSmRun& run) {
    run.outcome.code = ResultCode::nochange;
    run.outcome.message = fmt::format("no transition for {} in state {}", to_string(run.event.type),
                                      to_string(run.row.state));
}

} // namespace dms::sm::detail
