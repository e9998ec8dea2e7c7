// SPDX-License-Identifier: GPL-3.0-or-later
// One master or server event, or a batch of zone events, per transaction; see
// event_processor.hpp. Differences from the original
// (REFERENCE.md 2.4, 12): per-machine ordering (an event waits while another
// transaction holds its machine's row, instead of racing it), retries back off and
// end, a failed action rolls back everything it wrote, and cancelled is not failed.
#include "dms/dmsd/event_processor.hpp"

#include <cmath>
#include <future>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/master.hpp"
#include "dms/db/queue.hpp"
#include "dms/db/server_state.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/zone_context.hpp"
#include "dms/sm/master_sm.hpp"
#include "dms/sm/names.hpp"
#include "dms/sm/server_sm.hpp"

#include "contexts.hpp"

namespace dms::dmsd {
namespace {

using namespace std::chrono_literals;
using sm::ResultCode;

/// What one attempt ended with, written by record().
struct Result {
    enum class Kind { done, retry, failed } kind = Kind::done;
    /// Failed by a refusal of the machine (not by running out of attempts): trying
    /// again cannot help until something changes, so the reconciler leaves it be.
    bool permanent = false;
    ResultCode code = ResultCode::ok;
    std::string message;
    std::string pre_state, post_state;
    std::string subject; ///< "zone example.org." / "master", for the log
};

Result from_outcome(const sm::Outcome& out, std::string_view detail) {
    Result r;
    r.code = out.code;
    r.message = out.message;
    if (!detail.empty() && (out.code == ResultCode::error || out.code == ResultCode::fatal)) {
        r.message += ": " + std::string(detail);
    }
    if (out.code == ResultCode::error) {
        r.kind = Result::Kind::retry;
    } else if (out.error) {
        r.kind = Result::Kind::failed;
        r.permanent = true;
    }
    return r;
}

} // namespace

EventProcessor::EventProcessor(db::Session& session, const Config& config,
                               drivers::NamedDriver& named, drivers::SlaveDriver& slaves,
                               std::string worker, std::size_t zone_batch)
    : m_session(session), m_config(config), m_named(named), m_slaves(slaves),
      m_worker(std::move(worker)), m_zone_batch(std::max<std::size_t>(1, zone_batch)) {}

std::chrono::milliseconds EventProcessor::backoff(int attempts, std::chrono::milliseconds base,
                                                  std::chrono::milliseconds cap,
                                                  double unit_random) {
    // Equal jitter: half the exponential delay fixed, half random, never above the cap.
    const double exp =
        std::min(static_cast<double>(cap.count()),
                 static_cast<double>(base.count()) * std::pow(2.0, std::max(0, attempts - 1)));
    return std::chrono::milliseconds(std::llround(exp / 2 + exp / 2 * unit_random));
}

EventProcessor::Step EventProcessor::process_one() {
    // Set inside the transaction when the action threw: the transaction rolls back and
    // the retry is recorded in a second one.
    struct Thrown {
        db::EventRecord event;
        std::string subject;
        std::string error;
    };
    std::optional<Thrown> thrown;
    // The zone rows and event results of the transaction, written by flush() at its
    // end with one statement each.
    std::vector<db::ZoneRecord> zone_rows;
    std::vector<db::queue::Finished> finished;
    // The events the zone machines queue, and their shared look-ups.
    engine::ZoneBatch batch;
    // The zone files they write, flushed to disk together before the commit.
    DeferredSync files;
    const auto reset = [&] {
        zone_rows.clear();
        finished.clear();
        batch.events.clear();
        batch.master.reset();
    };
    const auto flush = [&](db::Transaction& tx) {
        // The files go to disk while the rows are written; both before the commit.
        std::future<void> synced;
        if (files.pending() > 0) {
            synced = std::async(std::launch::async, [&files] { files.sync(); });
        }
        if (zone_rows.size() == 1) {
            db::zones::update(tx, zone_rows.front());
        } else {
            db::zones::update_many(tx, zone_rows);
        }
        if (finished.size() == 1) {
            const auto& f = finished.front();
            db::queue::finish(tx, f.id, f.state, f.result_code, f.results, m_worker);
        } else {
            db::queue::finish_many(tx, finished, m_worker);
        }
        batch.events.flush(tx);
        if (synced.valid()) {
            synced.get();
        }
        reset();
    };

    const auto record = [&](db::Transaction& tx, const db::EventRecord& ev, Result r) {
        if (r.kind == Result::Kind::retry) {
            const auto max = m_config.number("event_max_attempts");
            if (ev.attempts + 1 >= max) {
                r.kind = Result::Kind::failed;
                r.code = ResultCode::fatal;
                r.message =
                    fmt::format("gave up after {} attempts: {}", ev.attempts + 1, r.message);
            } else {
                const auto delay = backoff(ev.attempts + 1, m_config.duration("event_retry_base"),
                                           m_config.duration("event_retry_max"), unit_random());
                db::queue::retry_later(tx, ev.id, delay, r.message, m_worker);
                // A first retry is routine (named still loading a zone just configured).
                log::log(ev.attempts + 1 >= 3 ? log::Level::warning : log::Level::info, r.subject,
                         ev.event_type, "event {} attempt {} failed, retry in {} ms: {}", ev.id,
                         ev.attempts + 1, delay.count(), r.message);
                return;
            }
        }
        boost::json::object results{{"message", r.message}, {"worker", m_worker}};
        if (!r.pre_state.empty()) {
            results["pre_event_sm_state"] = r.pre_state;
            results["post_event_sm_state"] = r.post_state;
        }
        const bool failed = r.kind == Result::Kind::failed;
        if (failed && r.permanent) {
            results["permanent"] = true;
        }
        finished.push_back({ev.id, failed ? "FAILURE" : "SUCCESS", static_cast<int>(r.code),
                            boost::json::serialize(results)});
        const auto level = failed ? log::Level::error
                           : r.message.find("no transition") != std::string::npos
                               ? log::Level::notice
                               : log::Level::info;
        log::log(level, r.subject, ev.event_type, "event {}: {}{}", ev.id,
                 r.pre_state.empty() ? "" : r.pre_state + " -> " + r.post_state + ": ", r.message);
    };

    const auto run_zone = [&](db::Transaction& tx, const db::EventRecord& ev, db::ZoneRecord& zone,
                              sm::EventType type) {
        auto row = engine::to_zone_row(zone);
        sm::ZoneEvent zev{type, engine::zone_event_params_from_json(ev.parameters), ev.id};
        DmsdZoneContext ctx(tx, m_config, m_named, &batch, &files);
        const auto out = sm::process_zone_event(row, zev, ctx);
        auto r = from_outcome(out, ctx.detail());
        r.subject = "zone " + zone.name;
        r.pre_state = zone.state;
        r.post_state = std::string(sm::to_string(row.state));
        if (r.kind == Result::Kind::done && !ctx.destroyed()) {
            engine::from_zone_row(row, zone);
            zone_rows.push_back(zone);
        }
        record(tx, ev, r);
    };

    const auto run_master = [&](db::Transaction& tx, const db::EventRecord& ev,
                                db::MasterRecord& master, sm::EventType type) {
        auto row = engine::to_master_row(master);
        sm::MasterEvent mev{type, engine::master_event_params_from_json(ev.parameters), ev.id};
        engine::MasterContext ctx(tx, m_config, m_named, m_slaves);
        const auto out = sm::process_master_event(row, mev, ctx);
        auto r = from_outcome(out, {});
        r.subject = "master";
        r.pre_state = master.state;
        r.post_state = std::string(sm::to_string(row.state));
        if (r.kind == Result::Kind::done) {
            engine::from_master_row(row, master);
            db::master::update(tx, master);
        }
        record(tx, ev, r);
    };

    const auto run_server = [&](db::Transaction& tx, const db::EventRecord& ev,
                                db::ServerRecord& server, sm::EventType type) {
        auto row = engine::to_server_row(server);
        DmsdServerContext ctx(tx, m_config, server, m_slaves);
        const auto out = sm::process_server_event(row, sm::ServerEvent{type, ev.id}, ctx);
        auto r = from_outcome(out, {});
        r.subject = "server " + server.name;
        r.pre_state = server.state;
        r.post_state = std::string(sm::to_string(row.state));
        if (r.kind == Result::Kind::done) {
            engine::from_server_row(row, server);
            if (type == sm::EventType::server_check_server ||
                type == sm::EventType::server_configure) {
                server.last_check = std::chrono::system_clock::now();
            }
            db::servers::save_state(tx, server);
        }
        record(tx, ev, r);
    };

    const auto fail_event = [&](db::Transaction& tx, const db::EventRecord& ev, std::string subject,
                                std::string why) {
        Result r;
        r.kind = Result::Kind::failed;
        r.code = ResultCode::fatal;
        r.subject = std::move(subject);
        r.message = std::move(why);
        record(tx, ev, r);
    };

    // Runs `ev` (claimed, its machine row locked) in `tx`; with `thrown` set while the
    // machine's action runs, so that a dms::Error out of it is known for a retry.
    const auto dispatch = [&](db::Transaction& tx, const db::EventRecord& ev,
                              std::optional<db::ZoneRecord> zone) {
        const auto type = sm::from_string<sm::EventType>(ev.event_type);
        if (!type) {
            fail_event(tx, ev, "queue", "unknown event type " + ev.event_type);
            return;
        }
        const auto machine = sm::event_type_entry(*type).machine;
        try {
            if (machine == sm::Machine::zone) {
                if (!zone) {
                    fail_event(tx, ev, "queue", "its zone no longer exists");
                    return;
                }
                thrown = Thrown{ev, "zone " + zone->name, {}};
                run_zone(tx, ev, *zone, *type);
            } else if (machine == sm::Machine::master) {
                std::optional<db::MasterRecord> master;
                if (ev.master_id) {
                    master = db::master::get(tx);
                }
                if (!master) {
                    fail_event(tx, ev, "queue", "it names no master");
                    return;
                }
                thrown = Thrown{ev, "master", {}};
                run_master(tx, ev, *master, *type);
            } else {
                auto server =
                    ev.server_id ? db::servers::find_by_id(tx, *ev.server_id) : std::nullopt;
                if (!server) {
                    fail_event(tx, ev, "queue", "its server no longer exists");
                    return;
                }
                thrown = Thrown{ev, "server " + server->name, {}};
                run_server(tx, ev, *server, *type);
            }
        } catch (const DatabaseError&) {
            thrown.reset();
            throw;
        } catch (const Error& e) {
            // A context action failed (named, a file): roll back what it wrote and
            // retry the event.
            thrown->error = e.what();
            throw;
        }
        thrown.reset();
    };

    const auto record_thrown = [&](db::Transaction& tx) {
        const auto t = std::move(*thrown);
        thrown.reset();
        Result r;
        r.kind = Result::Kind::retry;
        r.code = ResultCode::error;
        r.subject = t.subject;
        r.message = t.error;
        record(tx, t.event, r);
    };

    // A batch of zone events: each in a savepoint, so that one whose action throws
    // rolls back alone and is recorded as a retry in the same transaction; the zone
    // rows and results of all are written at the end (flush).
    const auto run_batch = [&](db::Transaction& tx, const std::vector<db::EventRecord>& events) {
        std::vector<std::int64_t> ids;
        ids.reserve(events.size());
        for (const auto& ev : events) {
            ids.push_back(*ev.zone_id);
        }
        std::map<std::int64_t, db::ZoneRecord> zones;
        for (auto& z : db::zones::find_by_ids(tx, ids)) {
            zones.emplace(z.id, std::move(z));
        }
        for (const auto& ev : events) {
            const auto it = zones.find(*ev.zone_id);
            const auto zone = it == zones.end() ? std::nullopt : std::optional(it->second);
            const auto rows_before = zone_rows.size();
            const auto finished_before = finished.size();
            const auto events_before = batch.events.size();
            db::Savepoint savepoint(tx);
            try {
                dispatch(tx, ev, zone);
                savepoint.release();
            } catch (const Error&) {
                if (!thrown) {
                    throw;
                }
                savepoint.rollback();
                zone_rows.resize(rows_before);
                finished.resize(finished_before);
                batch.events.truncate(events_before);
                record_thrown(tx);
            }
        }
    };

    const auto lease = m_config.duration("event_lease");
    Step step = Step::idle;
    try {
        step = m_session.transaction("process event", [&](db::Transaction& tx) {
            thrown.reset();
            reset();
            // The claims lock the events' machine rows too (queue.hpp); master and server
            // events come first, one at a time.
            if (const auto ev = db::queue::claim_not_zone(tx, m_worker, lease)) {
                // Only an orphan can be a zone event here: its zone is gone.
                std::optional<db::ZoneRecord> zone;
                const auto type = sm::from_string<sm::EventType>(ev->event_type);
                if (ev->zone_id && type &&
                    sm::event_type_entry(*type).machine == sm::Machine::zone) {
                    zone = db::zones::find_by_id(tx, *ev->zone_id);
                }
                dispatch(tx, *ev, zone);
            } else {
                const auto events = db::queue::claim_zones(tx, m_zone_batch);
                if (events.empty()) {
                    return Step::idle;
                }
                for (const auto& claimed : events) {
                    batch.events.running(claimed.id);
                }
                run_batch(tx, events);
            }
            flush(tx);
            return Step::processed;
        });
    } catch (const Error&) {
        if (!thrown) {
            throw;
        }
        // Only a single (master or server) event gets here: its transaction rolled
        // back, the retry is recorded in one of its own.
        m_session.transaction("record retry", [&](db::Transaction& tx) {
            reset();
            record_thrown(tx);
            flush(tx);
        });
        return Step::processed;
    }
    return step;
}

std::chrono::milliseconds EventProcessor::next_due(std::chrono::milliseconds cap) {
    const auto due = m_session.transaction(
        "next due", [](db::Transaction& tx) { return db::queue::next_due(tx); });
    return due ? std::min(*due, cap) : cap;
}

} // namespace dms::dmsd
