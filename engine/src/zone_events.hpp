// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Running synchronous ZoneSM events inside the caller's transaction.

#include <string_view>

#include "dms/core/config.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/zone_context.hpp"
#include "dms/sm/zone_sm.hpp"

namespace dms::engine::detail {

/// Feed `type` to the zone's state machine (the row must be locked by the caller),
/// write the row back, record the event in sm_event_queue as processed, and
/// return the outcome. A refusal throws dms::Error with the machine's code; the
/// caller's transaction then rolls back, leaving the database unchanged.
sm::Outcome run_zone_event(db::Transaction& tx, const Config& config, db::ZoneRecord& zone,
                           sm::EventType type, const sm::ZoneEventParams& params,
                           std::string_view change_by);

/// run_zone_event for one zone of many in a transaction: the event's record and the
/// events it queues join `batch.events`, and `zone` is left updated for the caller to
/// write (zones::update_many). A refusal throws as run_zone_event does.
sm::Outcome run_zone_event_batched(db::Transaction& tx, const Config& config, db::ZoneRecord& zone,
                                   sm::EventType type, const sm::ZoneEventParams& params,
                                   std::string_view change_by, ZoneBatch& batch);

} // namespace dms::engine::detail
