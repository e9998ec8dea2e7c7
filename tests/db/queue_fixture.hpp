// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared by the event queue's db tests (queue_test.cpp, queue_reconcile_test.cpp): the
// Queue fixture with helpers that add zones and events, and OtherTransaction, a second
// session holding its transaction open on another thread.
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <poll.h>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "dms/db/events.hpp"
#include "dms/db/listener.hpp"
#include "dms/db/master.hpp"
#include "dms/db/queue.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/zone_context.hpp"

#include "pg_fixture.hpp"

namespace dms::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Ids = std::vector<std::int64_t>;
using std::chrono::milliseconds;

/// Thrown out of OtherTransaction's body to roll it back. Not a std::exception, so
/// Session::transaction lets it through unchanged.
struct RollbackRequested {};

/// A transaction of a second session (another dmsd worker, zone_tool) on a thread of
/// its own: it runs `hold`, then stays open with whatever locks `hold` took until
/// commit() or rollback(). The destructor rolls back; the thread is always joined.
class OtherTransaction {
public:
    using Hold = std::function<std::int64_t(db::Transaction&)>;

    OtherTransaction(const DbSettings& settings, Hold hold)
        : m_held(m_held_promise.get_future().share()), m_end(m_end_promise.get_future()),
          m_thread([this, settings, hold = std::move(hold)] { run(settings, hold); }) {}
    OtherTransaction(const OtherTransaction&) = delete;
    OtherTransaction& operator=(const OtherTransaction&) = delete;
    ~OtherTransaction() { end(false); }

    /// What `hold` returned, once it has run; rethrows what it threw.
    std::int64_t held() {
        if (m_held.wait_for(10s) != std::future_status::ready) {
            throw std::runtime_error("the other transaction did not take its locks in 10 s");
        }
        return m_held.get();
    }
    /// End the transaction, join the thread; the error it ended with ("" if none).
    std::string commit() { return end(true); }
    std::string rollback() { return end(false); }

private:
    void run(const DbSettings& settings, const Hold& hold) {
        bool has_held = false;
        try {
            auto s = db::Session::open(settings);
            s.set_parameter("lock_timeout", "10000"); // ms
            s.transaction("other", [&](db::Transaction& tx) {
                if (has_held) {
                    return; // retried after its connection was killed: nothing more to do
                }
                const auto value = hold(tx);
                has_held = true;
                m_held_promise.set_value(value);
                if (!m_end.get()) {
                    throw RollbackRequested{};
                }
            });
        } catch (const RollbackRequested&) {
        } catch (...) {
            if (!has_held) {
                m_held_promise.set_exception(std::current_exception());
                return;
            }
            try {
                throw;
            } catch (const std::exception& e) {
                m_error = e.what();
            } catch (...) {
                m_error = "unknown exception";
            }
        }
    }

    std::string end(bool commit) {
        if (!m_ended) {
            m_ended = true;
            m_end_promise.set_value(commit);
        }
        if (m_thread.joinable()) {
            m_thread.join();
        }
        return m_error;
    }

    std::promise<std::int64_t> m_held_promise;
    std::promise<bool> m_end_promise;
    std::shared_future<std::int64_t> m_held;
    std::future<bool> m_end;
    bool m_ended = false;
    std::string m_error;
    std::thread m_thread; // last: starts once everything above exists
};

/// The worker name and lease the tests claim with.
constexpr const char* test_worker = "test-worker";
constexpr milliseconds test_lease = 60s;

/// claim_due, excluding events (a worker's claim() is tested on its own).
inline std::optional<db::EventRecord> claim(db::Transaction& tx, const Ids& exclude = {}) {
    return db::queue::claim_due(tx, exclude);
}

/// Calls `probe` until it returns true or `timeout` has passed; whether it did.
template <typename F>
inline bool eventually(F&& probe, milliseconds timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    while (!probe()) {
        if (Clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

/// Notifications that arrive on `listener` within `timeout` (stops at the first).
inline int wait_for_notifications(db::Listener& listener, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    int n = listener.consume();
    while (n == 0) {
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        if (left <= 0ms) {
            break;
        }
        pollfd p{listener.socket(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
            n += listener.consume();
        }
    }
    return n;
}

inline db::NewEvent zone_event(const std::string& type, std::int64_t zone_id,
                               const std::string& params, milliseconds delay = 0ms) {
    db::NewEvent e;
    e.event_type = type;
    e.zone_id = zone_id;
    e.parameters = params;
    e.delay = delay;
    e.coalesce = true;
    return e;
}

/// The parameters the engine writes for a ZoneSMUpdate asking for serial `serial`
/// (poke_zone_set_serial): updates with different `serial` are different events.
inline std::string update_params(const std::string& zone, std::uint32_t serial) {
    sm::ZoneRow row;
    row.name = zone;
    sm::ZoneEventParams p;
    p.candidate_soa_serial = serial;
    return engine::zone_event_params_json(row, p);
}

/// zone name -> event type of each report.
inline std::multimap<std::string, std::string>
by_name(const std::vector<db::queue::MissingFollowUp>& v) {
    std::multimap<std::string, std::string> out;
    for (const auto& m : v) {
        out.emplace(m.name, m.event_type);
    }
    return out;
}

class Queue : public DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        // A statement that waits for another transaction's lock fails (SQLSTATE 55P03)
        // instead of hanging. The tests hold their other transactions open until after the
        // statement under test, so a statement that should pass a lock by (SKIP LOCKED,
        // NOWAIT) and waits for it instead fails here, whatever the machine's speed: no
        // test measures how long a statement took.
        session().set_parameter("lock_timeout", "30000"); // ms
    }

    std::int64_t add_zone(const std::string& name, const std::string& state = "INIT") {
        return std::stoll(sql_value(
            "INSERT INTO sm_zone (name, state, sg_id) VALUES ('" + name + "', '" + state +
            "', (SELECT id FROM server_groups WHERE name = 'someorg-one')) RETURNING id"));
    }
    std::int64_t add_zi(std::int64_t zone_id) {
        return std::stoll(
            sql_value("INSERT INTO zone_instances (zone_id, soa_serial, soa_mname, soa_rname, "
                      "soa_refresh, soa_retry, soa_expire, soa_minimum, zone_ttl) VALUES (" +
                      std::to_string(zone_id) +
                      ", 1, 'ns1.example.org.', 'hostmaster.example.org.', '2h', '900', '7d', "
                      "'1h', '1h') RETURNING id"));
    }
    /// A PUBLISHED zone with a ZI published; a second ZI as candidate if asked.
    std::int64_t add_published(const std::string& name, bool new_candidate = false) {
        const auto z = add_zone(name, "PUBLISHED");
        const auto zi = add_zi(z);
        const auto candidate = new_candidate ? add_zi(z) : zi;
        sql("UPDATE sm_zone SET zi_id = " + std::to_string(zi) + ", zi_candidate_id = " +
            std::to_string(candidate) + ", soa_serial = 1 WHERE id = " + std::to_string(z));
        return z;
    }

    /// A pending (NEW) event due at now + `due` (an interval: "-10 seconds", "1 hour").
    std::int64_t add_event(const std::string& type, std::optional<std::int64_t> zone_id,
                           const std::string& due = "0 seconds") {
        return std::stoll(
            sql_value("INSERT INTO sm_event_queue (event_type, zone_id, scheduled) VALUES ('" +
                      type + "', " + (zone_id ? std::to_string(*zone_id) : "NULL") +
                      ", now() + interval '" + due + "') RETURNING id"));
    }
    /// A pending MasterSM event.
    std::int64_t add_master_event(const std::string& type, const std::string& due = "0 seconds") {
        return std::stoll(sql_value("INSERT INTO sm_event_queue (event_type, master_id, "
                                    "scheduled) VALUES ('" +
                                    type + "', 1, now() + interval '" + due + "') RETURNING id"));
    }
    /// An event scheduled and processed `ago` before now, ended in `state`.
    std::int64_t add_done_event(const std::string& type, std::optional<std::int64_t> zone_id,
                                const std::string& state, const std::string& ago = "0 seconds",
                                int result_code = 200, const std::string& results = "{}") {
        const auto when = "now() - interval '" + ago + "'";
        return std::stoll(sql_value(
            "INSERT INTO sm_event_queue (event_type, zone_id, scheduled, processed, state, "
            "result_code, results) VALUES ('" +
            type + "', " + (zone_id ? std::to_string(*zone_id) : "NULL") + ", " + when + ", " +
            when + ", '" + state + "', " + std::to_string(result_code) + ", '" + results +
            "') RETURNING id"));
    }

    std::string event_field(std::int64_t id, const std::string& expression) {
        return sql_value("SELECT " + expression +
                         " FROM sm_event_queue WHERE id = " + std::to_string(id));
    }
    /// Seconds from now until the event is due (negative: overdue).
    double due_in(std::int64_t id) {
        return std::stod(event_field(id, "extract(epoch from scheduled - now())"));
    }

    /// claim_due in a transaction of its own (the claim ends with it).
    std::optional<std::int64_t> claim_id(const Ids& exclude = {}) {
        return session().transaction("claim", [&](db::Transaction& tx) {
            const auto e = claim(tx, exclude);
            return e ? std::optional(e->id) : std::nullopt;
        });
    }
    std::int64_t insert(const db::NewEvent& e) {
        return session().transaction(
            "insert", [&](db::Transaction& tx) { return db::events::insert(tx, e); });
    }
    std::vector<db::queue::MissingFollowUp>
    missing(bool edit_lock_timeouts, milliseconds cooldown = 0ms, std::size_t limit = 100) {
        return session().transaction("missing", [&](db::Transaction& tx) {
            return db::queue::missing_follow_ups(tx, edit_lock_timeouts, cooldown, limit);
        });
    }
    bool still_missing(const db::queue::MissingFollowUp& m, bool edit_lock_timeouts) {
        return session().transaction("still_missing", [&](db::Transaction& tx) {
            return db::queue::still_missing(tx, m, edit_lock_timeouts);
        });
    }
    db::queue::QueueCounts counts() {
        return session().transaction("counts",
                                     [](db::Transaction& tx) { return db::queue::counts(tx); });
    }
};

/// The other transaction's body for a dmsd worker that claimed the next due event.
inline std::int64_t claim_next(db::Transaction& tx) {
    const auto e = claim(tx);
    return e ? e->id : 0;
}

} // namespace dms::test
