// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ZoneSM: the life of one zone on the master (REFERENCE.md 3.1). The machine is written
// with Boost.MSM in sm/src/zone_sm.cpp; this header is all its callers see. "named" is the
// master's BIND; the abbreviations are the actions of REFERENCE.md 3.1.2.
//
//   INIT --DoConfig (DC)-----------------------> CREATE --Config (C)-----> UNCONFIG
//    |                                             ^     named lacks the     |
//    +--DoBatchConfig (DBC)--> BATCH_CREATE_1      |     zone: file written  | ReconfigUpdate
//                                |                 |                         | (RU): publish
//                                | BatchConfig     | ReconfigCheck (RC):     v
//                                v (BC)            | named lacks the zone  PUBLISHED <-----+
//                              BATCH_CREATE_2 -----+                        ^  |  |        |
//                                |  ReconfigCheck (RC): named loaded it     |  |  +--------+
//                                +------------------------------------------+  |  Update (U)
//                                                                              | EditSaved (ES)
//                                                                              v
//   PUBLISHED <--EditUpdate (EU): edit published, lock released-------------- UPDATE
//
//   RU, U, EU when named has lost the zone: -> UNCONFIG, and RU again after a reconfig.
//   DoReconfig (DRC): PUBLISHED, UPDATE -> UNCONFIG.
//   DoReset (DR): any state but DISABLED, DELETED -> RESET --Config (C)--> UNCONFIG; while
//     named still serves the zone C resets again. RESET has the rows of CREATE.
//   Disable (DIS): CREATE .. UPDATE -> DISABLED --Enable (EN)--> CREATE.
//   Delete (DEL), NukeStart (NUKE): any state but DELETED -> DELETED --Undelete (UND)-->
//     CREATE; DoDestroy (DES) deletes the row once RemoveZoneFiles (RZF) removed the files.
//   DoSgSwap (SWAP), DoSetAltSg (ALT), DoRefresh (REF): the state stays.
//
//   Edit lock (lock_state EDIT_UNLOCK / EDIT_LOCK), superimposed on CREATE, RESET,
//   UNCONFIG, PUBLISHED, UPDATE and DISABLED: Edit (ED) locks and queues ZoneSMEditTimeout,
//   whose event id is the token; EditLockTickle (TK) pushes the timeout back; EditExit (EX)
//   cancels it and unlocks; EditTimeout (TO) unlocks; EditSaved ends the session: ES in
//   PUBLISHED goes to UPDATE (EditUpdate unlocks after publishing), OES elsewhere unlocks
//   at once. EditSavedNoLock (NL, ONL) saves without a lock; in UPDATE it is refused
//   (F-LCK: the lock's saved edit is being published), and in the batch states it sets
//   the candidate (ONL), which ReconfigCheck publishes if it is not what BatchConfig
//   wrote. No save is ever taken and then dropped: every cell a save can reach acts.
//
//   Publishing (U, RU, EU) always publishes the candidate of the moment: a save only
//   moves the candidate, so the newest save wins however the publications' retries
//   interleave.
//
// What persists where:
//   sm_zone.state          ZoneState stable name (never MSM's numeric state id)
//   sm_zone.lock_state     LockState stable name; edit_lock_token = id of the pending
//                          ZoneSMEditTimeout event (or of the ZoneSMEdit event when the
//                          timeout is 0); locked_by, locked_at
//   sm_zone.zi_id          the published zone instance; zi_candidate_id the one to publish
//   sm_zone.soa_serial     serial named serves; zone_files = the master's file exists
//   sm_zone.deleted_start  when DELETED (NULL after NukeStart: reapable at once)
//   sm_zone.sg_id/alt_sg_id server groups
//   sm_event_queue         every follow-up this machine asks for (ZoneSMConfig, ...,
//                          MasterSM reconfigurations through reconfig_schedule)
//   nothing else: the MSM object lives for one event only.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dms/core/error.hpp"
#include "dms/sm/names.hpp"

namespace dms::sm {

using TimePoint = std::chrono::system_clock::time_point;

/// The sm_zone columns the machine reads and writes.
struct ZoneRow {
    std::int64_t id = 0;
    std::string name;
    ZoneState state = ZoneState::init;
    LockState lock_state = LockState::edit_unlock;
    std::optional<std::int64_t> zi_id, zi_candidate_id;
    std::optional<std::uint32_t> soa_serial;
    bool use_apex_ns = true, edit_lock = false, auto_dnssec = false, nsec3 = false,
         inc_updates = false, zone_files = false;
    std::optional<std::int64_t> edit_lock_token;
    std::string locked_by;
    std::optional<TimePoint> locked_at, deleted_start;
    std::optional<std::int64_t> sg_id, alt_sg_id;

    bool operator==(const ZoneRow&) const = default;
};

/// What events carry (REFERENCE.md 3.1.3).
struct ZoneEventParams {
    /// DoConfig, DoBatchConfig, DoReset, DoRefresh, EditSaved*, Undelete: the ZI the
    /// event is about. ReconfigCheck: the ZI BatchConfig wrote to the zone file.
    /// Publishing events (Update, ReconfigUpdate, EditUpdate) carry no ZI: they publish
    /// the zone's candidate as it is when they run, so that of several pending or
    /// retrying publications none can publish an older save than the newest.
    std::optional<std::int64_t> zi_id;
    std::optional<std::int64_t> edit_lock_token;
    std::string locked_by; ///< Edit: "login/sectag"
    bool wrap_soa_serial = false, force_soa_serial_update = false;
    std::optional<std::uint32_t> candidate_soa_serial;
    std::optional<std::string> alt_sg_name; ///< DoSetAltSg; std::nullopt clears the alt SG

    bool operator==(const ZoneEventParams&) const = default;
};

struct ZoneEvent {
    EventType type{};
    ZoneEventParams params;
    std::int64_t event_id = 0; ///< sm_event_queue.id of this event
};

/// The result of one event.
struct Outcome {
    ResultCode code = ResultCode::ok;
    std::string message;
    /// Set: the event FAILED with this code (its row and state were left unchanged).
    std::optional<ErrorCode> error;
    /// ZoneSMEdit returns the edit-lock token here.
    std::optional<std::int64_t> edit_lock_token;
    /// The (state, event) cell is blank: nothing happened (code NOCHANGE).
    bool no_transition = false;
};

/// What actions may ask of the world. The engine implements it for synchronous events,
/// inside zone_tool's transaction; dmsd implements it for queued ones, inside the event's
/// transaction. Everything an implementation writes belongs to that one transaction, so
/// it commits or rolls back with the row (the caller decides, see process_zone_event).
///
/// Errors: methods throw dms::Error (or a subclass) when they cannot do their job;
/// process_zone_event passes such exceptions through unchanged. Expected answers are
/// values (NamedSoa, PublishResult, std::optional). Not thread safe: one instance serves
/// one event at a time.
class ZoneSmContext {
public:
    virtual ~ZoneSmContext() = default;

    /// Current time (database time where it matters).
    virtual TimePoint now() = 0;
    /// Edit-lock timeout from the configuration (default 30 min); 0 disables timeouts.
    virtual std::chrono::seconds edit_lock_timeout() = 0;
    /// Queues a zone event for `row` due in `delay`; returns its event id.
    virtual std::int64_t queue_zone_event(const ZoneRow& row, EventType type,
                                          std::chrono::seconds delay,
                                          const ZoneEventParams& params) = 0;
    /// Cancels a pending event: it becomes CANCELLED (never FAILURE), with `why` as its
    /// message. An event that has already run, or does not exist, is left alone.
    virtual void cancel_event(std::int64_t event_id, std::string_view why) = 0;
    /// Moves a pending event to now + `delay`; no-op if it has already run or is gone.
    virtual void reschedule_event(std::int64_t event_id, std::chrono::seconds delay) = 0;
    /// REFERENCE.md 3.1.1 (zone_sm_reconfig_schedule): queue a MasterSM master reconfig
    /// (`master_reconfig`) or a partial reconfig of the zone's SG (unless MasterSM already
    /// holds one that covers it), then `zone_event` for the zone after the hold, plus a
    /// random spread when `randomize`, coalescing duplicates. All timing is the context's.
    virtual void reconfig_schedule(const ZoneRow& row, EventType zone_event, bool randomize,
                                   bool master_reconfig, const ZoneEventParams& params) = 0;
    /// Queues MasterSMPartialReconfig for server group `sg_id`.
    virtual void queue_master_partial_reconfig(std::int64_t sg_id) = 0;
    /// True if another sm_zone row with the same name is not DELETED.
    virtual bool other_live_zone(const ZoneRow& row) = 0;
    /// True if another sm_zone row with the same name is neither DELETED nor DISABLED
    /// (it owns the zone files then).
    virtual bool other_served_zone(const ZoneRow& row) = 0;
    /// True if zone instance `zi_id` exists and belongs to the zone of `row`.
    virtual bool zi_exists(const ZoneRow& row, std::int64_t zi_id) = 0;
    /// The id of the server group called `name`; std::nullopt if there is none.
    virtual std::optional<std::int64_t> find_sg(std::string_view name) = 0;
    /// Deletes the sm_zone row (the database cascades to ZIs, RRs, sectags, ...).
    virtual void destroy_zone(const ZoneRow& row) = 0;

    // Work done by dmsd for queued events.

    /// How named answers an SOA query for the zone.
    enum class NamedSoa {
        ok,        ///< answers authoritatively: the zone is loaded
        reset,     ///< does not serve the zone
        error,     ///< cannot tell now (timeout, refused, still loading): try again later
        unloadable ///< has the zone but cannot load its file: fails until it changes
    };
    /// Asks the master's named for the zone's SOA.
    virtual NamedSoa query_named_soa(const ZoneRow& row) = 0;
    /// Writes the candidate ZI as the master's zone file, atomically (temp file, rename),
    /// removing any journal. Idempotent. Throws dms::Error if it cannot.
    virtual void write_zone_file(const ZoneRow& row) = 0;
    /// Removes the zone file and journal; missing files are not an error.
    virtual void remove_zone_files(const ZoneRow& row) = 0;

    /// How a publication (REFERENCE.md 7.4) ended.
    enum class PublishResult {
        ok,       ///< published: row.zi_id and row.soa_serial set to what named serves now
        nochange, ///< named already serves that content: row.zi_id and soa_serial set too
        retry,    ///< transient failure (named busy, unreachable): nothing changed
        reset,    ///< named does not have the zone: nothing changed
        fatal     ///< named refused the update for good: nothing changed
    };
    /// Publishes row.zi_candidate_id to named with a dynamic update, folding in queued
    /// incremental updates unless row.lock_state is EDIT_LOCK (an open edit would lose
    /// them). The serial named serves only ever moves forward (RFC 1982). All or nothing:
    /// on anything but ok and nochange it leaves the database as it found it.
    virtual PublishResult publish(ZoneRow& row, const ZoneEventParams& params) = 0;
};

/// Feeds one event to the machine for `row`: the machine starts in row.state, runs the
/// action of REFERENCE.md 3.1.2/3.1.3 and the new state and fields are written back into
/// `row`. Never drops an event silently: a (state, event) pair without a transition
/// returns NOCHANGE with "no transition for <Event> in state <STATE>".
///
/// Returns the outcome. A refusal (ZoneAlreadyDisabled, a wrong edit-lock token, ...)
/// sets Outcome::error, code FATAL, and leaves `row` unchanged; anything the action asked
/// of the context before refusing (DoDestroy queues ZoneSMRemoveZoneFiles) is meant to be
/// committed with the event's result. A transient failure (named cannot tell, publish
/// must be retried) returns code ERROR without Outcome::error and leaves `row` unchanged:
/// the caller retries the event later.
///
/// Throws dms::Error with ErrorCode::internal if `event` is not a ZoneSM event, and
/// passes through unchanged whatever the context throws (`row` is unchanged then).
Outcome process_zone_event(ZoneRow& row, const ZoneEvent& event, ZoneSmContext& ctx);

} // namespace dms::sm
