// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The master: its MasterSM status (show_master_status) and asking it to reset or to
// reconfigure named (REFERENCE.md 5.2 "Master / system"); reconfiguring server groups is
// sg_engine.hpp's. Each call is one transaction; requests are queued events (coalesced
// with pending identical ones) and audited.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

class MasterEngine {
public:
    MasterEngine(db::Session& session, Caller caller);

    MasterStatus master_status();
    /// Queue MasterSMReset (READY, hold cleared, everything reconfigured).
    std::int64_t reset_master();
    /// Queue MasterSMMasterReconfig.
    std::int64_t reconfig_master();
    /// Queue MasterSMSignZone (`rndc sign`) / MasterSMLoadKeys (`rndc loadkeys`) for a
    /// zone with auto_dnssec (REFERENCE.md 9, sign_zone and loadkeys_zone).
    /// @throws dms::Error ZoneNotFound; ZoneSmFailure for a zone without auto_dnssec
    std::int64_t sign_zone(std::string_view zone);
    std::int64_t loadkeys_zone(std::string_view zone);

private:
    std::int64_t queue_master(std::string_view type, std::string_view operation,
                              std::string_view zone = {});

    db::Session& m_session;
    Caller m_caller;
};

} // namespace dms::engine
