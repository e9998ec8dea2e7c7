// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ZoneSM actions and guards (REFERENCE.md 3.1.3), shared by zone_sm.cpp, which holds the
// Boost.MSM transition table, and zone_sm_actions.cpp, which implements them without
// including Boost.MSM. Private to libdms_sm.
//
// Actions work on a ZoneSmRun: the working copy of the row, the event and the context.
// The machine never writes row.state (process_zone_event copies MSM's state into it), and
// an action that refuses throws Refusal, or RetryLater for a transient failure, so that
// the caller's row stays unchanged.

#include <stdexcept>

#include "dms/core/error.hpp"
#include "dms/sm/zone_sm.hpp"

namespace dms::sm::detail {

/// One event being processed.
struct ZoneSmRun {
    ZoneRow& row; ///< working copy; copied back to the caller's row on success
    const ZoneEvent& event;
    ZoneSmContext& ctx;
    Outcome outcome{};
    /// The answers the choice pseudo-states branch on, set by the action before them.
    ZoneSmContext::NamedSoa named = ZoneSmContext::NamedSoa::error;
    ZoneSmContext::PublishResult published = ZoneSmContext::PublishResult::retry;
};

/// The event is refused: it fails with the code, the row stays as it was.
class Refusal : public Error {
public:
    using Error::Error;
};

/// The event must be tried again later (ResultCode::error); the row stays as it was.
class RetryLater : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Actions, named as REFERENCE.md 3.1.2 names them.
void do_config(ZoneSmRun& run);                // DC
void do_batch_config(ZoneSmRun& run);          // DBC
void batch_config(ZoneSmRun& run);             // BC
void reconfig_check(ZoneSmRun& run);           // RC
void config(ZoneSmRun& run);                   // C
void publish(ZoneSmRun& run);                  // U and RU
void edit_update(ZoneSmRun& run);              // EU
void do_reset(ZoneSmRun& run);                 // DR
void disable(ZoneSmRun& run);                  // DIS
void enable(ZoneSmRun& run);                   // EN
void delete_zone(ZoneSmRun& run);              // DEL
void nuke_start(ZoneSmRun& run);               // NUKE
void undelete(ZoneSmRun& run);                 // UND
void do_destroy(ZoneSmRun& run);               // DES
void remove_zone_files(ZoneSmRun& run);        // RZF
void do_reconfig(ZoneSmRun& run);              // DRC
void do_refresh(ZoneSmRun& run);               // REF
void do_sg_swap(ZoneSmRun& run);               // SWAP
void do_set_alt_sg(ZoneSmRun& run);            // ALT
void edit(ZoneSmRun& run);                     // ED
void edit_exit(ZoneSmRun& run);                // EX
void edit_timeout(ZoneSmRun& run);             // TO
void edit_lock_tickle(ZoneSmRun& run);         // TK
void edit_saved_to_update(ZoneSmRun& run);     // ES
void other_edit_saved(ZoneSmRun& run);         // OES
void edit_saved_no_lock(ZoneSmRun& run);       // NL
void other_edit_saved_no_lock(ZoneSmRun& run); // ONL
void update_edit_exit(ZoneSmRun& run);         // UEX
void fail_init(ZoneSmRun& run);                // F-INIT
void fail_already_enabled(ZoneSmRun& run);     // F-EN
void fail_already_disabled(ZoneSmRun& run);    // F-DIS
void fail_reset_disabled(ZoneSmRun& run);      // F-RST
void fail_edit_locked(ZoneSmRun& run);         // F-LCK
void fail_not_edit_locked(ZoneSmRun& run);     // F-NLK

/// "no transition for <Event> in state <STATE>": the outcome of a blank cell.
void no_transition(ZoneSmRun& run);

// Guards.
bool auto_dnssec(const ZoneSmRun& run);      // DBC falls back to DC for DNSSEC zones
bool named_serves(const ZoneSmRun& run);     // C, RC: named answers for the zone
bool publication_done(const ZoneSmRun& run); // U, RU, EU: the zone is PUBLISHED
bool named_lost_zone(const ZoneSmRun& run);  // U, RU, EU: named lost the zone

} // namespace dms::sm::detail
