// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/dmsd/reconciler.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/logging.hpp"
#include "dms/db/audit.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/queue.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/zone_context.hpp"

namespace dms::dmsd {
namespace {

using namespace std::chrono_literals;

/// Most repairs per run: a run stays short even after a restore from an old backup.
constexpr std::size_t max_repairs = 1000;

bool repair(db::Session& session, const db::queue::MissingFollowUp& m, bool lock_timeouts) {
    return session.transaction("reconcile", [&](db::Transaction& tx) {
        db::NewEvent e;
        e.event_type = m.event_type;
        e.delay = m.delay;
        e.coalesce = m.event_type != "ZoneSMEditTimeout";
        std::string subject = "master";
        const bool server = m.event_type.starts_with("ServerSM");
        if (m.event_type == "MasterSMHoldTimeout") {
            if (!db::master::try_lock(tx)) {
                return false;
            }
            e.master_id = m.sm_id;
        } else if (server) {
            const auto s = db::servers::find_by_id(tx, m.sm_id, true);
            if (!s) {
                return false;
            }
            subject = "server " + s->name;
            e.server_id = s->id;
        } else {
            bool busy = false;
            const auto zone = db::zones::try_lock(tx, m.sm_id, busy);
            if (!zone) {
                return false;
            }
            subject = "zone " + zone->name;
            sm::ZoneEventParams p;
            if (m.event_type == "ZoneSMEditUpdate") {
                p.edit_lock_token = zone->edit_lock_token;
            }
            e.zone_id = zone->id;
            e.parameters = engine::zone_event_params_json(engine::to_zone_row(*zone), p);
        }
        if (!db::queue::still_missing(tx, m, lock_timeouts)) {
            return false;
        }
        const auto id = db::events::insert(tx, e);
        db::audit::record(
            tx,
            {"dmsd", "reconcile", m.name.empty() ? "master" : m.name,
             m.event_type == "MasterSMHoldTimeout" || server ? std::nullopt
                                                             : std::optional<std::int64_t>(m.sm_id),
             server ? std::optional<std::int64_t>(m.sm_id) : std::nullopt,
             boost::json::serialize(boost::json::object{{"state", m.state},
                                                        {"event_type", m.event_type},
                                                        {"event_id", id},
                                                        {"delay_ms", m.delay.count()}})});
        log::notice(subject, "reconcile", "state {} had no pending {}: queued event {}{}", m.state,
                    m.event_type, id,
                    m.delay > 0ms ? fmt::format(" due in {} s", m.delay.count() / 1000) : "");
        return true;
    });
}

/// Published zones whose serial on named differs from what dms published.
std::size_t check_drift(db::Session& session, const Config& config, drivers::NamedDriver& named) {
    const auto sample = static_cast<std::size_t>(config.number("drift_check_sample"));
    if (sample == 0) {
        return 0;
    }
    const auto zones = session.transaction("drift sample", [&](db::Transaction& tx) {
        return db::zones::sample_published(tx, sample);
    });
    std::size_t found = 0;
    for (const auto& z : zones) {
        const auto soa = named.zone_soa(z.name);
        if (soa.kind != drivers::ZoneSoa::Kind::served || !soa.serial ||
            static_cast<std::int64_t>(*soa.serial) == z.soa_serial.value_or(-1)) {
            continue;
        }
        found += session.transaction("drift repair", [&](db::Transaction& tx) {
            bool busy = false;
            auto zone = db::zones::try_lock(tx, z.id, busy);
            if (!zone || zone->state != "PUBLISHED" || zone->soa_serial != z.soa_serial ||
                zone->zi_candidate_id != zone->zi_id) {
                return 0;
            }
            db::NewEvent e;
            e.event_type = "ZoneSMUpdate";
            e.zone_id = zone->id;
            e.parameters = engine::zone_event_params_json(engine::to_zone_row(*zone), {});
            e.coalesce = true;
            const auto id = db::events::insert(tx, e);
            db::audit::record(tx, {"dmsd", "zone_changed_outside_dms", zone->name, zone->id,
                                   std::nullopt,
                                   fmt::format(R"({{"named_serial": {}, "published_serial": {}, )"
                                               R"("event_id": {}}})",
                                               *soa.serial, z.soa_serial.value_or(0), id)});
            log::warning("zone " + zone->name, "reconcile",
                         "named serves serial {} but dms published {}: changed outside dms, "
                         "queued event {} to publish the database's content again",
                         *soa.serial, z.soa_serial.value_or(0), id);
            return 1;
        });
    }
    return found;
}

} // namespace

ReconcileReport reconcile(db::Session& session, const Config& config, drivers::NamedDriver& named) {
    ReconcileReport report;
    const bool lock_timeouts = config.duration("edit_lock_timeout") > 0ms;
    const auto missing = session.transaction("reconcile scan", [&](db::Transaction& tx) {
        return db::queue::missing_follow_ups(tx, lock_timeouts, config.duration("event_retry_max"),
                                             max_repairs);
    });
    for (const auto& m : missing) {
        report.repaired += repair(session, m, lock_timeouts) ? 1 : 0;
    }
    report.drifted = check_drift(session, config, named);
    return report;
}

} // namespace dms::dmsd
