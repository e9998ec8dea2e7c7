// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The transition tables of REFERENCE.md 3.1.2 (ZoneSM), 3.2 (MasterSM) and 3.3
// (ServerSM) as data: what the machine tests expect of every (state, event) cell. They
// are written from the reference, apart from the machines' MSM tables, so a test that
// walks every cell compares two independent copies.

#include <string_view>

#include "dms/sm/master_sm.hpp"
#include "dms/sm/server_sm.hpp"
#include "dms/sm/zone_sm.hpp"

namespace dms::sm {

/// The action REFERENCE.md 3.1.2 names for (state, event), e.g. "DC", "F-INIT"; "" where
/// there is no transition. RESET has CREATE's column.
std::string_view zone_transition_action(ZoneState state, EventType event);

/// The action's name for (state, event) in MasterSM's table, "" for none.
std::string_view master_transition_action(MasterState state, EventType event);

/// The action's name for (state, event) in ServerSM's table, "" for none.
std::string_view server_transition_action(ServerState state, EventType event);

} // namespace dms::sm
