// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ServerSM actions (REFERENCE.md 3.3), shared by server_sm.cpp (the Boost.MSM table)
// and server_sm_actions.cpp. Private to libdms_sm. As for the other machines: actions
// work on a copy of the row and throw Refusal to refuse; the machine sets row.state.

#include "dms/sm/server_sm.hpp"

#include "zone_sm_actions.hpp"

namespace dms::sm::detail {

struct ServerSmRun {
    ServerRow& row; ///< working copy
    const ServerEvent& event;
    ServerSmContext& ctx;
    Outcome outcome{};
    StepResult step{}; ///< how Configure / CheckServer went: picks the target state
};

void enable_server(ServerSmRun& run);    // EN: CONFIG, Configure now
void disable_server(ServerSmRun& run);   // DIS: DISABLED, reply and message cleared
void already_enabled(ServerSmRun& run);  // EN while enabled: refused
void already_disabled(ServerSmRun& run); // DIS while disabled: refused
void config_change(ServerSmRun& run);    // CC: CONFIG, Configure now
void configure_server(ServerSmRun& run); // CFG: send, reload, probe
void check_server(ServerSmRun& run);     // CHK: probe, status, serials
void server_no_transition(ServerSmRun& run);

bool step_ok(const ServerSmRun& run);
bool step_retry(const ServerSmRun& run);
bool step_broken(const ServerSmRun& run);

} // namespace dms::sm::detail
