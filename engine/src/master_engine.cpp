// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/master_engine.hpp"

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/engine/master_context.hpp"

#include "audit.hpp"
#include "zone_lookup.hpp"

namespace dms::engine {

MasterEngine::MasterEngine(db::Session& session, Caller caller)
    : m_session(session), m_caller(std::move(caller)) {}

MasterStatus MasterEngine::master_status() {
    return m_session.transaction("show_master_status", [&](db::Transaction& tx) {
        MasterStatus s;
        s.master = db::master::get(tx);
        s.counts = db::queue::counts(tx);
        for (auto& e : db::events::pending(tx)) {
            if (e.event_type == "MasterSMHoldTimeout") {
                s.hold_timeout = std::move(e);
                break;
            }
        }
        s.last_event = db::events::last_master_event(tx);
        if (s.counts.failed_zones > 0) {
            s.failed_zones = db::queue::failed_zones(tx);
        }
        return s;
    });
}

std::int64_t MasterEngine::queue_master(std::string_view type, std::string_view operation,
                                        std::string_view zone) {
    return m_session.transaction(operation, [&](db::Transaction& tx) {
        db::NewEvent e;
        e.event_type = std::string(type);
        e.master_id = 1;
        e.coalesce = zone.empty();
        if (!zone.empty()) {
            const auto z = detail::require_zone(tx, zone);
            if (!z.auto_dnssec) {
                throw Error(ErrorCode::zone_sm_failure,
                            fmt::format("zone '{}' is not signed (set_zone {} auto_dnssec first)",
                                        z.name, z.name));
            }
            sm::MasterEventParams p;
            p.zone_name = z.name;
            e.parameters = master_event_params_json(p);
        }
        const auto id = db::events::insert(tx, e);
        detail::audit(tx, m_caller, operation, "master", std::nullopt,
                      fmt::format(R"({{"event_id": {}}})", id));
        return id;
    });
}

std::int64_t MasterEngine::reset_master() {
    return queue_master("MasterSMReset", "reset_master");
}

std::int64_t MasterEngine::reconfig_master() {
    return queue_master("MasterSMMasterReconfig", "reconfig_master");
}

std::int64_t MasterEngine::sign_zone(std::string_view zone) {
    return queue_master("MasterSMSignZone", "sign_zone", zone);
}

std::int64_t MasterEngine::loadkeys_zone(std::string_view zone) {
    return queue_master("MasterSMLoadKeys", "loadkeys_zone", zone);
}

} // namespace dms::engine
