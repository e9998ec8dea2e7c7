// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The master's named.conf includes as the database says they should be.

#include <cstdint>
#include <vector>

#include "dms/db/session.hpp"
#include "dms/drivers/named_driver.hpp"

namespace dms::engine {

struct MasterConfigSnapshot {
    drivers::MasterConfig config;
    /// Zones in the includes, and zones left out while an event waits for named to drop
    /// them: read in one statement, so they match what was written.
    std::vector<std::int64_t> configured, unconfigured;
};

/// REFERENCE.md 8.2: a stanza for every zone in a configured state (UNCONFIG,
/// BATCH_CREATE_2, PUBLISHED, UPDATE, INIT), allowed to transfer to the ACLs of its
/// primary, alternate and replica server groups and notifying their servers; an ACL
/// per server group with all its servers' addresses (disabled ones too).
MasterConfigSnapshot load_master_config(db::Transaction& tx);

} // namespace dms::engine
