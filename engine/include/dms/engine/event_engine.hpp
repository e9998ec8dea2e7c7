// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Events: listing, showing and failing events (REFERENCE.md 2.5); the master's status
// and requests are master_engine.hpp's. Each call is one transaction; errors are
// dms::Error (EventNotFoundById, CantFailEventById).

#include <cstdint>
#include <optional>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/db/events.hpp"
#include "dms/db/session.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

class EventEngine {
public:
    EventEngine(db::Session& session, const Config& config, Caller caller);

    std::vector<db::EventRecord> pending();
    /// The last `limit` processed events, newest first; only FAILURE ones if asked.
    std::vector<db::EventRecord> recent(std::size_t limit, bool failed_only);
    db::EventRecord show(std::int64_t id);
    /// A pending event becomes FAILURE ("failed by <change_by>").
    void fail(std::int64_t id);

private:
    db::Session& m_session;
    const Config& m_config;
    Caller m_caller;
};

} // namespace dms::engine
