// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Processing one queued event (ARCHITECTURE.md 3): in one transaction, claim the oldest
// due event whose state machine no one else holds, run the machine with dmsd's context,
// and write the new state, the follow-up events and the event's result. A transient
// failure (named down, a file not written) makes the event RETRY with exponential
// back-off and jitter up to event_retry_max; after event_max_attempts it is FAILED.
//
// Thread safety: one EventProcessor per worker thread (it holds that worker's session);
// the NamedDriver and SlaveDriver are shared.

#include <chrono>
#include <string>

#include "dms/core/config.hpp"
#include "dms/db/session.hpp"
#include "dms/named/named_driver.hpp"
#include "dms/named/slave_driver.hpp"

namespace dms::dmsd {

class EventProcessor {
public:
    /// @param worker  name recorded in claimed_by, e.g. "host:1234/w2"
    EventProcessor(db::Session& session, const Config& config, named::NamedDriver& named,
                   named::SlaveDriver& slaves, std::string worker);

    enum class Step {
        processed, ///< an event ran (or was recorded as retry/failed)
        idle       ///< nothing is due, or what is due waits for a machine another holds
    };
    /// Process at most one event. Throws dms::Error only when the database fails.
    Step process_one();

    /// Time until the next event is due (capped at `cap`).
    std::chrono::milliseconds next_due(std::chrono::milliseconds cap);

    /// The retry delay before attempt `attempts + 1` (exposed for tests).
    static std::chrono::milliseconds backoff(int attempts, std::chrono::milliseconds base,
                                             std::chrono::milliseconds cap, double unit_random);

private:
    db::Session& m_session;
    const Config& m_config;
    named::NamedDriver& m_named;
    named::SlaveDriver& m_slaves;
    std::string m_worker;
};

} // namespace dms::dmsd
