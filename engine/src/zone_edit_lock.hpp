// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the engine: releasing the edit lock of a holder that has gone, shared by
// the edit lock operations (ZoneEngine) and saves (ZiEngine).

#include "dms/core/config.hpp"
#include "dms/db/session.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine::detail {

/// EditExit for a lock whose holder process on this host has exited; true if it was
/// released (and audited). The zone row must be locked by the caller.
bool release_lock_of_gone_holder(db::Transaction& tx, const Config& config, const Caller& caller,
                                 db::ZoneRecord& z);

} // namespace dms::engine::detail
