// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Events and the master: listing, showing and failing events (REFERENCE.md 2.5), the
// MasterSM status, and asking the master to reconfigure or reset. Each call is one
// transaction; errors are dms::Error (EventNotFoundById, CantFailEventById).

#include <cstdint>
#include <optional>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/queue.hpp"
#include "dms/db/session.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

struct MasterStatus {
    db::MasterRecord master;
    db::queue::QueueCounts counts;
    /// The pending MasterSMHoldTimeout, when holding.
    std::optional<db::EventRecord> hold_timeout;
    /// The last master event processed, if any.
    std::optional<db::EventRecord> last_event;
    /// Zones that failed for good (counts.failed_zones), with why: name, message.
    std::vector<std::pair<std::string, std::string>> failed_zones;
};

class EventEngine {
public:
    EventEngine(db::Session& session, const Config& config, Caller caller);

    std::vector<db::EventRecord> pending();
    /// The last `limit` processed events, newest first; only FAILURE ones if asked.
    std::vector<db::EventRecord> recent(std::size_t limit, bool failed_only);
    db::EventRecord show(std::int64_t id);
    /// A pending event becomes FAILURE ("failed by <change_by>").
    void fail(std::int64_t id);

    MasterStatus master_status();
    /// Queue MasterSMReset (READY, hold cleared, everything reconfigured).
    std::int64_t reset_master();
    /// Queue MasterSMMasterReconfig.
    std::int64_t reconfig_master();

private:
    std::int64_t queue_master(std::string_view type, std::string_view operation);

    db::Session& m_session;
    const Config& m_config;
    Caller m_caller;
};

} // namespace dms::engine
