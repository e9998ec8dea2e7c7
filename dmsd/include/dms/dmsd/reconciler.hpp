// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The reconciler (ARCHITECTURE.md 3, "no stuck machines"): state machines whose state
// needs a pending event that is missing get it again, and published zones whose serial
// on named is not the one dms published (changed behind dms's back) are published
// again. Every repair is logged and written to audit_log (operation "reconcile" or
// "zone_changed_outside_dms").

#include <cstddef>

#include "dms/core/config.hpp"
#include "dms/db/session.hpp"
#include "dms/drivers/named_driver.hpp"

namespace dms::dmsd {

struct ReconcileReport {
    std::size_t repaired = 0; ///< missing follow-up events re-created
    std::size_t drifted = 0;  ///< zones found changed on named and queued for publishing
};

/// One reconciler run. Throws dms::Error only when the database fails.
ReconcileReport reconcile(db::Session& session, const Config& config, drivers::NamedDriver& named);

} // namespace dms::dmsd
