// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// MasterSM: reconfiguration of the master named (REFERENCE.md 3.2), with the hold as a
// short coalescing window (ARCHITECTURE.md 3). Written with Boost.MSM in
// sm/src/master_sm.cpp; this header is all its callers see.
//
//            MasterReconfig / PartialReconfig / AllReconfig:
//            rewrite the includes, rndc reconfig (and the SGs' configs), then hold
//   READY ---------------------------------------------------------------> HOLD
//     ^                                                                    |  |
//     |   HoldTimeout: back to READY, then queue the reconfiguration       |  | requests
//     +----------------- asked for during the hold, if any ----------------+  | merge into
//                                                                             | hold_sg
//   hold_sg while holding: NONE (nothing asked) -> MASTER (master only) -> an SG id
//   (that SG) -> ALL (two different SGs, or everything). Reset: READY, hold cleared,
//   AllReconfig queued. BatchHold: READY -> HOLD with ALL. LoadKeys, SignZone: rndc for
//   one zone, in either state.
//
// What persists where:
//   sm_master.state                     MasterState stable name
//   sm_master.hold_sg, hold_sg_name     what to reconfigure when the hold ends
//   sm_master.hold_start, hold_stop     the hold window; a MasterSMHoldTimeout event is
//                                       pending for hold_stop (the reconciler re-creates
//                                       it if it goes missing)
//   sm_event_queue                      the follow-ups (HoldTimeout, reconfigurations)

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/sm/names.hpp"
#include "dms/sm/zone_sm.hpp"

namespace dms::sm {

inline constexpr std::int64_t hold_sg_none = 0;
inline constexpr std::int64_t hold_sg_master = -1;
inline constexpr std::int64_t hold_sg_all = -2;

/// The sm_master columns the machine reads and writes.
struct MasterRow {
    MasterState state = MasterState::ready;
    std::int64_t hold_sg = hold_sg_none;
    std::string hold_sg_name;
    std::optional<TimePoint> hold_start, hold_stop;

    bool operator==(const MasterRow&) const = default;
};

struct MasterEventParams {
    std::optional<std::int64_t> sg_id; ///< PartialReconfig
    std::string sg_name;               ///< PartialReconfig (for messages)
    std::string zone_name;             ///< LoadKeys, SignZone

    bool operator==(const MasterEventParams&) const = default;
};

struct MasterEvent {
    EventType type{};
    MasterEventParams params;
    std::int64_t event_id = 0;
};

/// What MasterSM actions ask of the world: dmsd implements it inside the event's
/// transaction. Errors: methods throw dms::Error when they cannot do their job (named
/// unreachable, a file not written); process_master_event passes such exceptions through
/// and the caller retries the event later. Not thread safe.
class MasterSmContext {
public:
    virtual ~MasterSmContext() = default;

    virtual TimePoint now() = 0;
    /// master_hold_timeout.
    virtual std::chrono::milliseconds hold_timeout() = 0;

    enum class Scope {
        master, ///< the master's includes only
        sg,     ///< and one SG's server configs
        all     ///< and every SG's server configs
    };
    /// Rewrite the master's named.conf includes from the database, `rndc reconfig` the
    /// master, and for Scope::sg / Scope::all rewrite the SG configs and queue their
    /// servers' reconfiguration. Idempotent.
    virtual void reconfigure(Scope scope, std::optional<std::int64_t> sg_id) = 0;
    /// Server groups of zones that wait for a reconfiguration which has not yet
    /// included them (a zone whose request merged into a reconfiguration already
    /// running); 0 stands for a zone without one. Asked when a hold ends with nothing
    /// asked meanwhile, so that such a zone is configured one hold later instead of
    /// after its fallback timer.
    virtual std::vector<std::int64_t> sgs_waiting_for_reconfig() = 0;
    /// The name of server group `sg_id`; std::nullopt if there is none.
    virtual std::optional<std::string> sg_name(std::int64_t sg_id) = 0;
    /// Queue a MasterSM event due in `delay`.
    virtual void queue_master_event(EventType type, std::chrono::milliseconds delay,
                                    const MasterEventParams& params) = 0;
    /// `rndc <command> <zone>` on the master (loadkeys, sign).
    virtual void rndc_zone(std::string_view command, std::string_view zone) = 0;
};

/// Feed one event to the machine for `row` (see process_zone_event for the contract:
/// blank cells are NOCHANGE "no transition for <Event> in state <STATE>"; refusals set
/// Outcome::error and leave `row` unchanged; context exceptions pass through with `row`
/// unchanged).
/// @throws dms::Error(ErrorCode::internal) if `event` is not a MasterSM event
Outcome process_master_event(MasterRow& row, const MasterEvent& event, MasterSmContext& ctx);

} // namespace dms::sm
