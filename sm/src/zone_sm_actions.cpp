// SPDX-License-Identifier: GPL-3.0-or-later
// ZoneSM actions (REFERENCE.md 3.1.3). No Boost.MSM here: the table in zone_sm.cpp decides
// which action runs and which state follows; these functions only change row fields and
// ask the context for side effects. Differences from the original, on purpose:
//  - a refusal changes nothing (the original committed half-done changes);
//  - leaving UPDATE other than by EditUpdate (DR, DIS, DRC) releases the edit lock, whose
//    timeout ES already cancelled: the original left such zones locked for good;
//  - EU releases the lock before publishing, so queued incremental updates are folded in
//    (the original meant to, REFERENCE.md 12 item 18);
//  - saves without a lock (NL, ONL) are refused while someone else holds the lock.

#include "zone_sm_actions.hpp"

#include <chrono>
#include <string>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace dms::sm::detail {
namespace {

using namespace std::chrono_literals;
using NamedSoa = ZoneSmContext::NamedSoa;
using PublishResult = ZoneSmContext::PublishResult;
using enum EventType;

[[noreturn]] void refuse(const ZoneSmRun& run, ErrorCode code, std::string_view why) {
    throw Refusal(code,
                  fmt::format("Zone '{}' ({}): {}", run.row.name, to_string(run.row.state), why));
}

void done(ZoneSmRun& run, ResultCode code, std::string_view what) {
    run.outcome.code = code;
    run.outcome.message = fmt::format("Zone '{}': {}", run.row.name, what);
}

void done(ZoneSmRun& run, std::string_view what) {
    done(run, ResultCode::ok, what);
}

bool locked(const ZoneRow& row) {
    return row.lock_state == LockState::edit_lock;
}

bool published_or_update(const ZoneRow& row) {
    return row.state == ZoneState::published || row.state == ZoneState::update;
}

std::string locked_message(const ZoneRow& row) {
    const auto at = row.locked_at
                        ? fmt::format(" since {:%Y-%m-%d %H:%M:%S}",
                                      std::chrono::floor<std::chrono::seconds>(*row.locked_at))
                        : std::string();
    const auto by = row.locked_by.empty() ? std::string() : " held by '" + row.locked_by + "'";
    return fmt::format("edit locked with token {}{}{}", row.edit_lock_token.value_or(0), by, at);
}

void clear_lock(ZoneRow& row) {
    row.lock_state = LockState::edit_unlock;
    row.edit_lock_token.reset();
    row.locked_by.clear();
    row.locked_at.reset();
}

/// The zone leaves UPDATE without EditUpdate: ES already cancelled the lock's timeout.
void leave_update(ZoneRow& row) {
    if (row.state == ZoneState::update) {
        clear_lock(row);
    }
}

/// The event's edit-lock token must be the one the zone holds (REFERENCE.md 3.1.3).
void check_token(const ZoneSmRun& run, ErrorCode code) {
    if (!locked(run.row)) {
        refuse(run, code, "the edit lock timed out or was released");
    }
    if (run.event.params.edit_lock_token != run.row.edit_lock_token) {
        refuse(run, code, locked_message(run.row));
    }
}

void refuse_if_locked(const ZoneSmRun& run, ErrorCode code) {
    if (locked(run.row)) {
        refuse(run, code, locked_message(run.row));
    }
}

std::int64_t required_zi(const ZoneSmRun& run) {
    if (!run.event.params.zi_id) {
        refuse(run, ErrorCode::zi_not_found,
               fmt::format("{} carries no zi_id", to_string(run.event.type)));
    }
    return *run.event.params.zi_id;
}

/// The ZI of DC, DBC and DR becomes the candidate (and the published one if none is).
void set_candidate(ZoneRow& row, std::int64_t zi) {
    row.zi_candidate_id = zi;
    if (!row.zi_id) {
        row.zi_id = zi;
    }
}

void queue_now(ZoneSmRun& run, EventType type, const ZoneEventParams& params = {}) {
    run.ctx.queue_zone_event(run.row, type, 0s, params);
}

/// DR: only the master named is reconfigured (slaves keep serving), then ZoneSMConfig.
void schedule_reset(ZoneSmRun& run, bool randomize) {
    if (run.event.params.zi_id) {
        set_candidate(run.row, *run.event.params.zi_id);
    }
    leave_update(run.row);
    run.ctx.reconfig_schedule(run.row, zone_config, randomize, true, {});
}

void start_delete(ZoneSmRun& run, bool nuke) {
    refuse_if_locked(run, ErrorCode::edit_lock_failure);
    if (published_or_update(run.row)) {
        run.row.zi_id = run.row.zi_candidate_id;
    }
    run.row.deleted_start = nuke ? std::nullopt : std::optional(run.ctx.now());
    run.ctx.reconfig_schedule(run.row, zone_remove_zone_files, false, false, {});
    done(run, nuke ? "DELETED, ready to be nuked" : "DELETED");
}

void ask_named(ZoneSmRun& run) {
    run.named = run.ctx.query_named_soa(run.row);
    if (run.named == NamedSoa::unloadable) {
        refuse(run, ErrorCode::zone_sm_failure, "named cannot load the zone");
    }
    if (run.named == NamedSoa::error) {
        throw RetryLater(
            fmt::format("Zone '{}': named cannot tell whether it serves the zone", run.row.name));
    }
}

/// The rest of U, RU and EU once named has answered (fatal already handled by U and RU).
void after_publish(ZoneSmRun& run) {
    switch (run.published) {
    case PublishResult::ok:
        run.row.zi_candidate_id = run.row.zi_id;
        done(run, fmt::format("published ZI {}, SOA serial {}", run.row.zi_id.value_or(0),
                              run.row.soa_serial.value_or(0)));
        break;
    case PublishResult::nochange:
        run.row.zi_candidate_id = run.row.zi_id;
        done(run, ResultCode::nochange, "named already serves this content");
        break;
    case PublishResult::retry:
        throw RetryLater(fmt::format("Zone '{}': publishing must be retried", run.row.name));
    case PublishResult::reset:
        run.ctx.reconfig_schedule(run.row, zone_reconfig_update, true, false, {});
        done(run, "named does not have the zone, reconfiguring");
        break;
    case PublishResult::fatal: // only EU gets here: the saved ZI stays the candidate
        done(run, ResultCode::nochange, "publishing the saved edit failed, edit lock released");
        break;
    }
}

} // namespace

void do_config(ZoneSmRun& run) {
    set_candidate(run.row, required_zi(run));
    queue_now(run, zone_config);
    done(run, "initialising");
}

void do_batch_config(ZoneSmRun& run) {
    set_candidate(run.row, required_zi(run));
    queue_now(run, zone_batch_config);
    done(run, "initialising from a batch load");
}

void batch_config(ZoneSmRun& run) {
    run.ctx.write_zone_file(run.row);
    run.row.zone_files = true;
    // RC learns which ZI the file holds: a save made meanwhile is published after it.
    ZoneEventParams check;
    check.zi_id = run.row.zi_candidate_id ? run.row.zi_candidate_id : run.row.zi_id;
    run.ctx.reconfig_schedule(run.row, zone_reconfig_check, false, false, check);
    done(run, "wrote the zone file, queued reconfiguration");
}

void reconfig_check(ZoneSmRun& run) {
    ask_named(run);
    if (run.named == NamedSoa::ok) {
        // named serves the file BatchConfig wrote. If the candidate moved on since (a save
        // during the bulk load), or the event does not say which ZI was written (the
        // reconciler made it), a publication brings named to the candidate.
        const auto written = run.event.params.zi_id;
        run.row.zi_id = written ? written : run.row.zi_candidate_id;
        if (!written || written != run.row.zi_candidate_id) {
            queue_now(run, zone_update);
            done(run, fmt::format("master named loaded the zone, publishing candidate ZI {}",
                                  run.row.zi_candidate_id.value_or(0)));
            return;
        }
        done(run, "master named loaded the zone");
        return;
    }
    schedule_reset(run, true);
    done(run, "named does not serve the zone yet, resetting via CREATE");
}

void config(ZoneSmRun& run) {
    ask_named(run);
    if (run.named == NamedSoa::ok) {
        schedule_reset(run, false);
        done(run, "named still serves the zone, resetting");
        return;
    }
    run.ctx.write_zone_file(run.row);
    run.row.zone_files = true;
    run.ctx.reconfig_schedule(run.row, zone_reconfig_update, false, false, {});
    done(run, "wrote the zone file, queued reconfiguration");
}

void publish(ZoneSmRun& run) {
    run.published = run.ctx.publish(run.row, run.event.params);
    if (run.published == PublishResult::fatal) {
        refuse(run, ErrorCode::zone_sm_failure, "publishing failed for good");
    }
    after_publish(run);
}

void edit_update(ZoneSmRun& run) {
    check_token(run, ErrorCode::update_zone_failure);
    clear_lock(run.row);
    run.published = run.ctx.publish(run.row, run.event.params);
    after_publish(run);
}

void do_reset(ZoneSmRun& run) {
    schedule_reset(run, false);
    done(run, "resetting (this loses DNSSEC signatures)");
}

void disable(ZoneSmRun& run) {
    if (published_or_update(run.row)) {
        run.row.zi_id = run.row.zi_candidate_id;
    }
    leave_update(run.row);
    run.ctx.reconfig_schedule(run.row, zone_remove_zone_files, false, false, {});
    done(run, "disabling");
}

void enable(ZoneSmRun& run) {
    queue_now(run, zone_config);
    done(run, "enabled, initialising");
}

void delete_zone(ZoneSmRun& run) {
    start_delete(run, false);
}

void nuke_start(ZoneSmRun& run) {
    start_delete(run, true);
}

void undelete(ZoneSmRun& run) {
    const auto& row = run.row;
    const auto zi = run.event.params.zi_id ? run.event.params.zi_id
                    : row.zi_id            ? row.zi_id
                                           : row.zi_candidate_id;
    if (!zi || !run.ctx.zi_exists(row, *zi)) {
        refuse(run, ErrorCode::zi_not_found, "no zone instance to undelete with");
    }
    if (run.ctx.other_live_zone(row)) {
        refuse(run, ErrorCode::active_zone_exists, "another live zone of that name exists");
    }
    run.row.deleted_start.reset();
    set_candidate(run.row, *zi);
    queue_now(run, zone_config);
    done(run, "undeleted, initialising");
}

void do_destroy(ZoneSmRun& run) {
    if (run.row.zone_files) {
        run.ctx.reconfig_schedule(run.row, zone_remove_zone_files, false, false, {});
        refuse(run, ErrorCode::zone_files_still_exist,
               "not destroyed: its zone files still exist, their removal is queued");
    }
    run.ctx.destroy_zone(run.row);
    done(run, "destroyed");
}

void remove_zone_files(ZoneSmRun& run) {
    run.row.zone_files = false;
    if (run.ctx.other_served_zone(run.row)) {
        done(run, "files kept: another zone of that name is served from them");
        return;
    }
    run.ctx.remove_zone_files(run.row);
    done(run, "zone files removed");
}

void do_reconfig(ZoneSmRun& run) {
    if (published_or_update(run.row)) {
        run.row.zi_id = run.row.zi_candidate_id;
    }
    leave_update(run.row);
    run.ctx.reconfig_schedule(run.row, zone_reconfig_update, false, false, {});
    done(run, "reconfiguring");
}

void do_refresh(ZoneSmRun& run) {
    if (run.row.state != ZoneState::published) {
        done(run, ResultCode::noeffect, "not refreshed: a saved edit is being published");
        return;
    }
    const auto& p = run.event.params;
    if (p.wrap_soa_serial || p.force_soa_serial_update || p.candidate_soa_serial || p.zi_id) {
        refuse_if_locked(run, ErrorCode::edit_lock_failure);
    }
    if (p.zi_id) {
        run.row.zi_candidate_id = p.zi_id;
    } else {
        run.row.zi_id = run.row.zi_candidate_id;
    }
    ZoneEventParams update;
    update.wrap_soa_serial = p.wrap_soa_serial;
    update.force_soa_serial_update = p.force_soa_serial_update;
    update.candidate_soa_serial = p.candidate_soa_serial;
    queue_now(run, zone_update, update);
    done(run, "refreshing");
}

void do_sg_swap(ZoneSmRun& run) {
    if (!run.row.alt_sg_id) {
        refuse(run, ErrorCode::zone_no_alt_sg_for_swap, "no alternate SG to swap to");
    }
    std::swap(run.row.sg_id, run.row.alt_sg_id);
    run.ctx.reconfig_schedule(run.row, zone_update, true, false, {});
    done(run, "SGs swapped, reconfiguring then refreshing");
}

void do_set_alt_sg(ZoneSmRun& run) {
    const auto& name = run.event.params.alt_sg_name;
    if (name) {
        const auto sg = run.ctx.find_sg(*name);
        if (!sg) {
            refuse(run, ErrorCode::no_sg_found, fmt::format("no server group '{}'", *name));
        }
        run.row.alt_sg_id = sg;
        run.ctx.queue_master_partial_reconfig(*sg);
        done(run, fmt::format("alternate SG set to '{}'", *name));
        return;
    }
    if (!run.row.alt_sg_id) {
        done(run, ResultCode::noeffect, "no alternate SG to clear");
        return;
    }
    const auto old = *run.row.alt_sg_id;
    run.row.alt_sg_id.reset();
    run.ctx.queue_master_partial_reconfig(old);
    done(run, "alternate SG cleared");
}

void edit(ZoneSmRun& run) {
    auto& row = run.row;
    if (!row.edit_lock) {
        done(run, ResultCode::nochange, "edit locking is off for this zone");
        return;
    }
    refuse_if_locked(run, ErrorCode::edit_lock_failure);
    // The timeout event's id is the token, so tickling and cancelling need nothing else.
    const auto timeout = run.ctx.edit_lock_timeout();
    const auto token = timeout > 0s ? run.ctx.queue_zone_event(row, zone_edit_timeout, timeout, {})
                                    : run.event.event_id;
    row.lock_state = LockState::edit_lock;
    row.edit_lock_token = token;
    row.locked_by = run.event.params.locked_by;
    row.locked_at = run.ctx.now();
    run.outcome.edit_lock_token = token;
    done(run, fmt::format("locked edit entered, token {}", token));
}

void edit_exit(ZoneSmRun& run) {
    auto& row = run.row;
    if (!row.edit_lock_token) {
        if (locked(row)) {
            refuse(run, ErrorCode::zone_sm_failure, "edit lock in a bad state: locked, no token");
        }
        done(run, "exit edit: the zone is not locked");
        return;
    }
    if (run.event.params.edit_lock_token != row.edit_lock_token) {
        refuse(run, ErrorCode::cancel_edit_lock_failure, locked_message(row));
    }
    run.ctx.cancel_event(*row.edit_lock_token, "edit session exited");
    clear_lock(row);
    done(run, "edit lock released");
}

void edit_timeout(ZoneSmRun& run) {
    if (!locked(run.row)) {
        done(run, ResultCode::noeffect, "edit lock already released");
        return;
    }
    clear_lock(run.row);
    done(run, "edit lock timed out");
}

void edit_lock_tickle(ZoneSmRun& run) {
    check_token(run, ErrorCode::tickle_edit_lock_failure);
    const auto timeout = run.ctx.edit_lock_timeout();
    if (timeout <= 0s) {
        done(run, ResultCode::noeffect, "edit lock timeouts are off");
        return;
    }
    run.ctx.reschedule_event(*run.row.edit_lock_token, timeout);
    done(run, "edit lock timeout pushed back");
}

void edit_saved_to_update(ZoneSmRun& run) {
    check_token(run, ErrorCode::update_zone_failure);
    const auto zi = required_zi(run);
    const auto token = *run.row.edit_lock_token;
    run.ctx.cancel_event(token, "edit saved");
    run.row.zi_candidate_id = zi;
    ZoneEventParams update;
    update.edit_lock_token = token;
    queue_now(run, zone_edit_update, update);
    done(run, "edit saved, publishing");
}

void other_edit_saved(ZoneSmRun& run) {
    check_token(run, ErrorCode::update_zone_failure);
    const auto zi = required_zi(run);
    run.ctx.cancel_event(*run.row.edit_lock_token, "edit saved");
    clear_lock(run.row);
    run.row.zi_id = run.row.zi_candidate_id = zi;
    done(run, "edit saved, published when the zone is configured");
}

void edit_saved_no_lock(ZoneSmRun& run) {
    const auto zi = required_zi(run);
    refuse_if_locked(run, ErrorCode::update_zone_failure);
    run.row.zi_candidate_id = zi;
    queue_now(run, zone_update);
    done(run, "edit saved, ZoneSMUpdate queued");
}

void other_edit_saved_no_lock(ZoneSmRun& run) {
    const auto zi = required_zi(run);
    refuse_if_locked(run, ErrorCode::update_zone_failure);
    run.row.zi_id = run.row.zi_candidate_id = zi;
    done(run, "edit saved, published when the zone is configured");
}

void update_edit_exit(ZoneSmRun& run) {
    if (run.event.params.edit_lock_token != run.row.edit_lock_token) {
        refuse(run, ErrorCode::cancel_edit_lock_failure, locked_message(run.row));
    }
    ZoneEventParams update;
    update.edit_lock_token = run.row.edit_lock_token;
    queue_now(run, zone_edit_update, update);
    done(run, "a saved edit is being published, queued ZoneSMEditUpdate to release the lock");
}

void fail_init(ZoneSmRun& run) {
    refuse(run, ErrorCode::zone_event_failure, "refused while the zone is being created");
}

void fail_already_enabled(ZoneSmRun& run) {
    refuse(run, ErrorCode::zone_already_enabled, "already enabled");
}

void fail_already_disabled(ZoneSmRun& run) {
    refuse(run, ErrorCode::zone_already_disabled, "already disabled");
}

void fail_reset_disabled(ZoneSmRun& run) {
    refuse(run, ErrorCode::zone_reset_disabled, "a disabled zone cannot be reset");
}

void fail_edit_locked(ZoneSmRun& run) {
    refuse(run, ErrorCode::edit_lock_failure,
           "a saved edit is being published, " + locked_message(run.row));
}

void fail_not_edit_locked(ZoneSmRun& run) {
    refuse(run, ErrorCode::zone_not_edit_locked,
           "a saved edit is being published, its edit lock is no longer open");
}

void no_transition(ZoneSmRun& run) {
    run.outcome.code = ResultCode::nochange;
    run.outcome.no_transition = true;
    run.outcome.message = fmt::format("no transition for {} in state {}", to_string(run.event.type),
                                      to_string(run.row.state));
}

bool auto_dnssec(const ZoneSmRun& run) {
    return run.row.auto_dnssec;
}

bool named_serves(const ZoneSmRun& run) {
    return run.named == NamedSoa::ok;
}

bool publication_done(const ZoneSmRun& run) {
    return run.published == PublishResult::ok || run.published == PublishResult::nochange ||
           run.published == PublishResult::fatal;
}

bool named_lost_zone(const ZoneSmRun& run) {
    return run.published == PublishResult::reset;
}

} // namespace dms::sm::detail
