// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// MasterSM actions (REFERENCE.md 3.2), shared by master_sm.cpp (the Boost.MSM table) and
// master_sm_actions.cpp. Private to libdms_sm. As for ZoneSM: actions work on a copy
// of the row and throw Refusal to refuse; the machine sets row.state.

#include "dms/sm/master_sm.hpp"

#include "zone_sm_actions.hpp"

namespace dms::sm::detail {

struct MasterSmRun {
    MasterRow& row; ///< working copy
    const MasterEvent& event;
    MasterSmContext& ctx;
    Outcome outcome{};
};

// READY
void reconfig_master(MasterSmRun& run);  // MR: master includes + rndc, then hold
void reconfig_partial(MasterSmRun& run); // PR: and one SG, then hold
void reconfig_all(MasterSmRun& run);     // AR: and every SG, then hold
void batch_hold(MasterSmRun& run);       // BH: hold ALL without reconfiguring
// HOLD
void hold_master(MasterSmRun& run);  // MR while holding: remember "master"
void hold_partial(MasterSmRun& run); // PR while holding: remember the SG (or ALL)
void hold_all(MasterSmRun& run);     // AR while holding: remember ALL
void hold_timeout(MasterSmRun& run); // HT: READY, queue what was remembered
void hold_batch(MasterSmRun& run);   // BH while holding: already holding
// both
void reset(MasterSmRun& run);     // RST: READY, hold cleared, AllReconfig queued
void load_keys(MasterSmRun& run); // LK: rndc loadkeys <zone>
void sign_zone(MasterSmRun& run); // SZ: rndc sign <zone>

void master_no_transition(MasterSmRun& run);

} // namespace dms::sm::detail
