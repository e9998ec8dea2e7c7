// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// restore_named_db (REFERENCE.md 5.2): rebuild the master named's world from the
// database while named and dmsd are stopped — every zone's master file (the candidate
// ZI, apex maintained), the zones marked PUBLISHED, the includes rewritten.

#include <chrono>
#include <cstddef>

#include "dms/core/config.hpp"
#include "dms/db/session.hpp"
#include "dms/drivers/named_driver.hpp"

namespace dms::engine {

struct RestoreReport {
    std::size_t zones = 0;
    std::size_t cancelled_events = 0;
    std::chrono::milliseconds took{0};
};

/// One transaction: if anything fails, the database is unchanged (files written so far
/// stay, and a second run rewrites them). Zones are read in batches.
/// @throws dms::Error as the driver's file operations, DatabaseError
RestoreReport restore_named_db(db::Session& session, drivers::NamedDriver& named);

} // namespace dms::engine
