// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Processing queued events (ARCHITECTURE.md 3): in one transaction, claim the oldest
// due event whose state machine no one else holds, run the machine with dmsd's context,
// and write the new state, the follow-up events and the event's result. A transient
// failure (named down, a file not written) makes the event RETRY with exponential
// back-off and jitter up to event_retry_max; after event_max_attempts it is FAILED.
//
// Zone events go in batches: when no master or server event is due, one transaction
// claims up to `zone_batch` due events of distinct zones (queue::claim_zones) and runs
// each zone's machine in a savepoint of its own; an action that throws rolls back its
// savepoint only and its event is recorded as a retry, the others complete. The zone
// rows and the results are written at the end with one statement each. A master or
// server event runs alone; if its action throws, its transaction rolls back and the
// retry is recorded in a second one.
//
// Thread safety: one EventProcessor per worker thread (it holds that worker's session);
// the NamedDriver and SlaveDriver are shared.

#include <chrono>
#include <cstddef>
#include <string>

#include "dms/core/config.hpp"
#include "dms/db/session.hpp"
#include "dms/drivers/named_driver.hpp"
#include "dms/drivers/slave_driver.hpp"

namespace dms::dmsd {

class EventProcessor {
public:
    /// Most zone events in one transaction. Each that writes holds a subtransaction id
    /// until the commit, and PostgreSQL caches 64 per backend (db::Savepoint).
    static constexpr std::size_t default_zone_batch = 32;

    /// @param worker      name recorded in claimed_by, e.g. "host:1234/w2"
    /// @param zone_batch  most zone events per transaction (at least 1)
    EventProcessor(db::Session& session, const Config& config, drivers::NamedDriver& named,
                   drivers::SlaveDriver& slaves, std::string worker,
                   std::size_t zone_batch = default_zone_batch);

    enum class Step {
        processed, ///< an event ran (or was recorded as retry/failed)
        idle       ///< nothing is due, or what is due waits for a machine another holds
    };
    /// Process one master or server event, or a batch of zone events (see above).
    /// Throws dms::Error only when the database fails.
    Step process_one();

    /// Time until the next event is due (capped at `cap`).
    std::chrono::milliseconds next_due(std::chrono::milliseconds cap);

    /// The retry delay before attempt `attempts + 1` (exposed for tests).
    static std::chrono::milliseconds backoff(int attempts, std::chrono::milliseconds base,
                                             std::chrono::milliseconds cap, double unit_random);

private:
    db::Session& m_session;
    const Config& m_config;
    drivers::NamedDriver& m_named;
    drivers::SlaveDriver& m_slaves;
    std::string m_worker;
    std::size_t m_zone_batch;
};

} // namespace dms::dmsd
