// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/event_engine.hpp"

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"

#include "audit.hpp"

namespace dms::engine {

EventEngine::EventEngine(db::Session& session, const Config& config, Caller caller)
    : m_session(session), m_config(config), m_caller(std::move(caller)) {}

std::vector<db::EventRecord> EventEngine::pending() {
    return m_session.transaction("ls_pending_events",
                                 [](db::Transaction& tx) { return db::events::pending(tx); });
}

std::vector<db::EventRecord> EventEngine::recent(std::size_t limit, bool failed_only) {
    return m_session.transaction("ls_events", [&](db::Transaction& tx) {
        return db::events::recent(tx, limit, failed_only);
    });
}

db::EventRecord EventEngine::show(std::int64_t id) {
    return m_session.transaction("show_event", [&](db::Transaction& tx) {
        auto e = db::events::find(tx, id);
        if (!e) {
            throw Error(ErrorCode::event_not_found, fmt::format("no event with id {}", id));
        }
        return *e;
    });
}

void EventEngine::fail(std::int64_t id) {
    m_session.transaction("fail_event", [&](db::Transaction& tx) {
        const auto e = db::events::find(tx, id);
        if (!e) {
            throw Error(ErrorCode::event_not_found, fmt::format("no event with id {}", id));
        }
        if (!db::events::fail(tx, id, "failed by " + m_caller.change_by())) {
            throw Error(ErrorCode::cant_fail_event,
                        fmt::format("event {} ({}) was already processed: {}", id, e->event_type,
                                    e->state));
        }
        detail::audit(tx, m_caller, "fail_event",
                      !e->zone_name.empty() ? e->zone_name : e->event_type, e->zone_id,
                      fmt::format(R"({{"event_id": {}, "event_type": "{}"}})", id, e->event_type));
        log::notice("event " + std::to_string(id), "fail_event", "{} failed by {}", e->event_type,
                    m_caller.change_by());
    });
}

} // namespace dms::engine
