// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The daemon's side of the event queue (sm_event_queue): claiming due events,
// recording what became of them, waking zone events when the master named has been
// reconfigured, and the reconciler's queries. zone_tool's side is events.hpp.
//
// Claiming: dmsd's workers use claim(), which takes the oldest due event whose state
// machine row no other transaction holds, locks both and marks the event running in
// one statement. claim_due() takes the oldest due queued event that no other transaction
// holds, with FOR UPDATE SKIP LOCKED, in the caller's transaction; the claim lasts
// until that transaction ends, so a worker that dies loses it with its connection.
// The caller then locks the event's state machine row (zones::try_lock,
// master::try_lock) and, if another transaction holds it, claims again excluding the
// event: events of one state machine never run concurrently and run in order.
//
// Contract: SQL failures are DatabaseError; nothing here commits.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dms/db/events.hpp"
#include "dms/db/session.hpp"

namespace dms::db::queue {

/// The oldest due (scheduled <= now) pending event of a queued type, not held by
/// another transaction and not in `exclude`, now held by this transaction. MasterSM
/// events come first: a reconfiguration unblocks the zone events waiting for it, and a
/// backlog of zone events must not starve it.
std::optional<EventRecord> claim_due(Transaction& tx, const std::vector<std::int64_t>& exclude);

/// What a worker runs next: the oldest due pending event of a queued type such that
/// neither it nor its state machine row (sm_master, sm_servers, sm_zone) is held by
/// another transaction, both now held by this one (the row FOR NO KEY UPDATE) and the
/// event marked running as by mark_running(). MasterSM events first, then ServerSM
/// events, then events that have lost their machine (a zone or server deleted
/// meanwhile: no target left), then zone events.
/// Events of one machine therefore never run concurrently, and run in order.
std::optional<EventRecord> claim(Transaction& tx, std::string_view worker,
                                 std::chrono::milliseconds lease);

/// claim() without its last step: a MasterSM, ServerSM or machine-less event, or
/// std::nullopt if none is claimable (then claim_zones() takes zone events).
std::optional<EventRecord> claim_not_zone(Transaction& tx, std::string_view worker,
                                          std::chrono::milliseconds lease);

/// A batch of zone events for one transaction: of the `max` oldest due pending zone
/// events of queued types whose zone rows no other transaction holds (those rows now
/// held by this one, as by claim()), the oldest of each zone name, if no other
/// transaction holds that event, now held (but not marked running: the caller keeps
/// its own merges out of them with EventBuffer::running, and finish_many() records the
/// worker); oldest first. So no two events of one zone (nor of two zones of one name)
/// are in a batch, each zone's events still run in order, and the events not taken
/// stay free to coalesce into. Empty if none is claimable. Callers give master and
/// server events their priority by trying claim_not_zone() first.
std::vector<EventRecord> claim_zones(Transaction& tx, std::size_t max);

/// The claimed event will run now: claimed_by = `worker`, claimed_until = now + `lease`.
/// Keeps the event's own follow-ups (queued by this transaction) from coalescing into
/// it; after the commit it says who ran it last.
void mark_running(Transaction& tx, std::int64_t id, std::string_view worker,
                  std::chrono::milliseconds lease);

/// The server groups (0: none) of zones whose reconfiguration-waiting events
/// (ZoneSMReconfigUpdate, ZoneSMReconfigCheck, ZoneSMConfig, ZoneSMRemoveZoneFiles)
/// have never run and are not yet due: no reconfiguration has woken them, so the last
/// one ran without them. Ascending; alternate SGs included.
std::vector<std::int64_t> sgs_waiting_for_reconfig(Transaction& tx);

/// Time until the next pending queued event is due (zero if one is due now);
/// std::nullopt if none is pending.
std::optional<std::chrono::milliseconds> next_due(Transaction& tx);

/// The event ran: SUCCESS or FAILURE with its result code and results (JSON object).
void finish(Transaction& tx, std::int64_t id, std::string_view state, int result_code,
            const std::string& results, std::string_view worker);

/// finish() for several events with one statement.
struct Finished {
    std::int64_t id = 0;
    std::string state; ///< SUCCESS or FAILURE
    int result_code = 0;
    std::string results; ///< JSON object
};
void finish_many(Transaction& tx, const std::vector<Finished>& events, std::string_view worker);

/// The event must run again: attempts + 1, last_error, due after `delay`, state RETRY.
/// Returns the new attempt count.
int retry_later(Transaction& tx, std::int64_t id, std::chrono::milliseconds delay,
                std::string_view error, std::string_view worker);

/// The master named was reconfigured with the zones `configured` (in zones.conf) and
/// without the zones `unconfigured` (RESET, DISABLED, DELETED, ...): their pending
/// events that waited for this (ZoneSMReconfigUpdate and ZoneSMReconfigCheck for the
/// former, ZoneSMConfig and ZoneSMRemoveZoneFiles for the latter) become due now.
/// Events another transaction holds are left alone. Returns how many moved.
std::size_t wake_after_reconfig(Transaction& tx, const std::vector<std::int64_t>& configured,
                                const std::vector<std::int64_t>& unconfigured);

/// A state machine whose state needs a pending event it does not have.
struct MissingFollowUp {
    std::int64_t sm_id = 0;
    std::string name;                            ///< zone or server name, "" for the master
    std::string state;                           ///< its state (lock state for an edit-lock repair)
    std::string event_type;                      ///< the event it needs
    std::optional<std::int64_t> edit_lock_token; ///< zones: for ZoneSMEditUpdate
    std::optional<std::int64_t> zi_candidate_id; ///< zones: the ZI to publish
    /// When the repair may run: now, or later when the last event of this machine
    /// FAILED recently (so a failing action is retried slowly, not every run).
    std::chrono::milliseconds delay{0};
};

/// Zones and the master whose state needs a pending event that is missing.
/// @param edit_lock_timeouts  whether edit locks time out (edit_lock_timeout > 0)
/// @param failure_cooldown    a machine whose last event FAILED less than this ago is
///                            repaired only when that much time has passed
/// @param limit               most rows returned
std::vector<MissingFollowUp> missing_follow_ups(Transaction& tx, bool edit_lock_timeouts,
                                                std::chrono::milliseconds failure_cooldown,
                                                std::size_t limit);

/// Whether `m` is still missing its event (checked again with the row locked).
bool still_missing(Transaction& tx, const MissingFollowUp& m, bool edit_lock_timeouts);

/// Counts for show_dms_status.
struct QueueCounts {
    std::int64_t pending = 0;
    std::int64_t retrying = 0;      ///< pending with attempts > 0
    std::int64_t failed = 0;        ///< FAILURE, ever (until vacuumed)
    std::int64_t no_transition = 0; ///< NOCHANGE because no transition existed
    std::int64_t repairs = 0;       ///< follow-ups the reconciler re-created
    /// Live zones whose newest event FAILED for good (named cannot load the zone, ...):
    /// nothing retries them until an operator acts.
    std::int64_t failed_zones = 0;
};
QueueCounts counts(Transaction& tx);

/// The zones counted in QueueCounts::failed_zones with their failed event's message,
/// by name.
std::vector<std::pair<std::string, std::string>> failed_zones(Transaction& tx);

} // namespace dms::db::queue
