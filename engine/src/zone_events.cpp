// SPDX-License-Identifier: GPL-3.0-or-later
// The runner that records each synchronous ZoneSM event, in the caller's transaction.
#include "zone_events.hpp"

#include <boost/json.hpp>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/events.hpp"
#include "dms/engine/zone_context.hpp"
#include "dms/sm/names.hpp"

namespace dms::engine::detail {

namespace {

/// Runs the event; returns its outcome and, in `record`, the processed event to store.
sm::Outcome run(db::Transaction& tx, const Config& config, db::ZoneRecord& zone, sm::EventType type,
                const sm::ZoneEventParams& params, std::string_view change_by, ZoneBatch* batch,
                db::NewEvent& record, bool& destroyed) {
    ZoneDbContext ctx(tx, config, batch);
    auto row = to_zone_row(zone);
    const auto before = zone.state;
    sm::ZoneEvent ev{type, params, 0};
    auto outcome = sm::process_zone_event(row, ev, ctx);
    if (outcome.error) {
        // The caller's transaction rolls back: nothing of this attempt stays.
        throw Error(*outcome.error, outcome.message);
    }
    boost::json::object results{{"message", outcome.message},
                                {"pre_event_sm_state", before},
                                {"post_event_sm_state", std::string(sm::to_string(row.state))},
                                {"change_by", std::string(change_by)}};
    if (outcome.edit_lock_token) {
        results["edit_lock_token"] = *outcome.edit_lock_token;
    }
    record.event_type = std::string(sm::to_string(type));
    record.parameters = zone_event_params_json(row, params);
    record.done = db::NewEvent::Done{"SUCCESS", static_cast<int>(outcome.code),
                                     boost::json::serialize(results)};
    destroyed = ctx.destroyed();
    if (!destroyed) {
        record.zone_id = zone.id;
        from_zone_row(row, zone);
        log::debug("zone " + zone.name, record.event_type, "{} -> {}: {}", before, zone.state,
                   outcome.message);
    }
    return outcome;
}

} // namespace

sm::Outcome run_zone_event(db::Transaction& tx, const Config& config, db::ZoneRecord& zone,
                           sm::EventType type, const sm::ZoneEventParams& params,
                           std::string_view change_by) {
    db::NewEvent record;
    bool destroyed = false;
    auto outcome = run(tx, config, zone, type, params, change_by, nullptr, record, destroyed);
    db::events::insert(tx, record);
    if (!destroyed) {
        db::zones::update(tx, zone);
    }
    return outcome;
}

sm::Outcome run_zone_event_batched(db::Transaction& tx, const Config& config, db::ZoneRecord& zone,
                                   sm::EventType type, const sm::ZoneEventParams& params,
                                   std::string_view change_by, ZoneBatch& batch) {
    db::NewEvent record;
    bool destroyed = false;
    auto outcome = run(tx, config, zone, type, params, change_by, &batch, record, destroyed);
    batch.events.add(std::move(record));
    return outcome;
}

} // namespace dms::engine::detail
