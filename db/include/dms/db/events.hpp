// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The event queue (sm_event_queue). This part holds what zone_tool and the engine
// need: adding events (queued for dmsd, or synchronous ones recorded as already
// processed), cancelling and rescheduling, and listing. Claiming and processing
// belong to dmsd.
//
// Contract: find() returns std::nullopt for an unknown id; cancel()/reschedule()
// return false when the event is not pending; SQL failures are DatabaseError.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db {

struct EventRecord {
    std::int64_t id = 0;
    std::string event_type;
    std::string state;
    std::chrono::system_clock::time_point scheduled{};
    std::chrono::system_clock::time_point created{};
    std::optional<std::chrono::system_clock::time_point> processed;
    std::string parameters; ///< JSON object text
    std::string results;    ///< JSON object text, "" if none
    std::optional<int> result_code;
    std::optional<std::int64_t> zone_id;
    std::optional<std::int64_t> server_id;
    std::optional<std::int64_t> master_id;
    int attempts = 0;
    std::string last_error;
    std::string claimed_by;
    std::string zone_name;   ///< joined for display
    std::string server_name; ///< joined for display
};

struct NewEvent {
    std::string event_type;
    std::string parameters = "{}"; ///< JSON object text
    std::optional<std::int64_t> zone_id;
    std::optional<std::int64_t> server_id;
    std::optional<std::int64_t> master_id;
    std::chrono::milliseconds delay{0};
    /// Merge into a pending identical event (same type, target and parameters) that no
    /// transaction runs (not even this one): it is share-locked until this transaction
    /// ends, so it cannot run before this transaction's other changes are committed;
    /// it becomes due at the earlier of the two times; its id is returned. Several
    /// transactions may merge into one event at once. Only for events with a target
    /// (zone, server or master).
    bool coalesce = false;
    /// A synchronous event, recorded as processed with this outcome.
    struct Done {
        std::string state; ///< SUCCESS or FAILURE
        int result_code = 200;
        std::string results = "{}"; ///< JSON object text
    };
    std::optional<Done> done;
};

namespace events {

std::int64_t insert(Transaction& tx, const NewEvent& event);
/// insert() for many events with a few statements: the plain ones (and synchronous
/// records) in one, the coalescing zone events in one (each merging as insert() would,
/// but never into the events of `running`: this transaction runs them), the coalescing
/// master and server events one by one after merging identical ones here.
/// `fresh_zones` (sorted) are zones created in this transaction: no one else can have
/// queued events for them, so theirs are inserted without a merge look-up.
void insert_many(Transaction& tx, const std::vector<NewEvent>& events,
                 const std::vector<std::int64_t>& fresh_zones = {},
                 const std::vector<std::int64_t>& running = {});
std::optional<EventRecord> find(Transaction& tx, std::int64_t id);
/// Pending (NEW or RETRY) -> CANCELLED with `why` as the result message.
bool cancel(Transaction& tx, std::int64_t id, std::string_view why);
/// Pending -> FAILURE (fail_event); `why` becomes the result message.
bool fail(Transaction& tx, std::int64_t id, std::string_view why);
/// Move a pending event to now + delay.
bool reschedule(Transaction& tx, std::int64_t id, std::chrono::seconds delay);
/// Write a synchronous event's outcome (it was inserted before running).
void set_result(Transaction& tx, std::int64_t id, const NewEvent::Done& done);

std::vector<EventRecord> pending(Transaction& tx);
/// Cancel the pending configuration and publishing events of these zones (their
/// work was done another way, e.g. by restore_named_db). Returns how many.
std::size_t cancel_zone_work(Transaction& tx, const std::vector<std::int64_t>& zone_ids,
                             std::string_view why);
/// The MasterSM event processed last.
std::optional<EventRecord> last_master_event(Transaction& tx);
/// The last `limit` processed events, newest first; only FAILURE ones if asked.
std::vector<EventRecord> recent(Transaction& tx, std::size_t limit, bool failed_only);

} // namespace events

/// Events gathered while a transaction runs many state machines (a batch of zone
/// events in dmsd, a chunk of load_zones) and written at its end by flush() with
/// events::insert_many. Only for events whose id the caller does not need.
class EventBuffer {
public:
    void add(NewEvent event) { m_events.push_back(std::move(event)); }
    /// A zone created in this transaction (see events::insert_many).
    void fresh_zone(std::int64_t zone_id) { m_fresh.push_back(zone_id); }
    /// A zone event this transaction runs (claimed, not marked running): never merged
    /// into (see events::insert_many).
    void running(std::int64_t event_id) { m_running.push_back(event_id); }
    std::size_t size() const { return m_events.size(); }
    /// Forget the events added after the first `n` (their savepoint rolled back).
    void truncate(std::size_t n) {
        if (n < m_events.size()) {
            m_events.resize(n);
        }
    }
    void clear() {
        m_events.clear();
        m_fresh.clear();
        m_running.clear();
    }
    /// Write every event gathered and forget them.
    void flush(Transaction& tx);

private:
    std::vector<NewEvent> m_events;
    std::vector<std::int64_t> m_fresh;
    std::vector<std::int64_t> m_running;
};
} // namespace dms::db
