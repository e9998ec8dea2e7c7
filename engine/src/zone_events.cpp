// SPDX-License-Identifier: GPL-3.0-or-later
// The runner that records each synchronous ZoneSM event, in the caller's transaction.
#include "zone_events.hpp"

#include <boost/json.hpp>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/events.hpp"
#include "dms/engine/zone_context.hpp"
#include "dms/sm/catalogue.hpp"

namespace dms::engine::detail {

sm::Outcome run_zone_event(db::Transaction& tx, const Config& config, db::ZoneRecord& zone,
                           sm::EventType type, const sm::ZoneEventParams& params,
                           std::string_view change_by) {
    ZoneDbContext ctx(tx, config);
    auto row = to_zone_row(zone);
    const auto before = zone.state;
    sm::ZoneEvent ev{type, params, 0};
    const auto outcome = sm::process_zone_event(row, ev, ctx);
    const auto type_name = std::string(sm::to_string(type));
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
    db::NewEvent rec;
    rec.event_type = type_name;
    rec.parameters = zone_event_params_json(row, params);
    rec.done = db::NewEvent::Done{"SUCCESS", static_cast<int>(outcome.code),
                                  boost::json::serialize(results)};
    if (ctx.destroyed()) {
        db::events::insert(tx, rec);
        return outcome;
    }
    rec.zone_id = zone.id;
    db::events::insert(tx, rec);
    from_zone_row(row, zone);
    db::zones::update(tx, zone);
    log::debug("zone " + zone.name, type_name, "{} -> {}: {}", before, zone.state, outcome.message);
    return outcome;
}

} // namespace dms::engine::detail
