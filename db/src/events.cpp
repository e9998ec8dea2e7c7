// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/events.hpp"

#include <algorithm>

#include "convert.hpp"
#include "event_row.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

/// Insert an event unless a pending identical one that no one runs exists. That one is
/// share-locked (so that several transactions can merge into it at once, while a
/// worker's FOR UPDATE SKIP LOCKED claim passes it by until they commit) and only
/// updated when it must become due earlier: an update per merge made thousands of dead
/// versions of one row during a bulk load. `target` picks the rows by index and `order`
/// is that index's order (so that the first is its first entry, without a sort).
#define DMS_COALESCE_INSERT(target, order)                                                         \
    "WITH found AS (SELECT id, scheduled, event_type FROM sm_event_queue"                          \
    " WHERE processed IS NULL AND " target " AND event_type = $1 AND parameters = $2::jsonb"       \
    " AND zone_id IS NOT DISTINCT FROM $3::bigint AND server_id IS NOT DISTINCT FROM $4::bigint"   \
    " AND master_id IS NOT DISTINCT FROM $5::bigint"                                               \
    " AND (claimed_until IS NULL OR claimed_until <= now())"                                       \
    " ORDER BY " order " LIMIT 1 FOR SHARE SKIP LOCKED),"                                          \
    " moved AS (UPDATE sm_event_queue e SET scheduled = now() + make_interval(secs => $6)"         \
    " FROM found WHERE e.id = found.id AND found.event_type = $1"                                  \
    " AND found.scheduled > now() + make_interval(secs => $6) RETURNING e.id),"                    \
    " added AS (INSERT INTO sm_event_queue (event_type, parameters, zone_id, server_id,"           \
    " master_id, scheduled) SELECT $1, $2::jsonb, $3, $4, $5, now() + make_interval(secs => $6)"   \
    " WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)"                                        \
    " SELECT id FROM found UNION ALL SELECT id FROM added"
/// MasterSM requests (reconfigurations, from every zone that changes configuration)
/// merge without a lock: share-locking the merged event made every zone transaction of
/// a bulk load a co-owner of one row (a multixact per merge, 7 ms each) and kept the
/// master's own claim passing it by as long as the load went on. A merge needs no
/// lock: the master is one machine processing its events in order, and a request that
/// merged into an event already being run is caught when the hold that follows ends
/// (queue::sgs_waiting_for_reconfig). A request merges into a pending identical event
/// due no later, or into the pending hold timeout when the hold covers it (REFERENCE.md
/// 3.2: HOLD answers it with "already reconfiguring").
/// Each branch names its event type, so that it is found by index whatever plan the
/// statement got while the queue was small (an OR of the two was a scan of every
/// pending event: 5 ms per zone during a bulk load).
#define DMS_MASTER_INSERT_UNLESS_ASKED                                                             \
    "WITH found AS ((SELECT id FROM sm_event_queue WHERE processed IS NULL"                        \
    " AND master_id IS NOT NULL AND master_id = $5::bigint AND event_type = $1"                    \
    " AND parameters = $2::jsonb AND zone_id IS NULL AND server_id IS NULL"                        \
    " AND scheduled <= now() + make_interval(secs => $6)"                                          \
    " AND (claimed_until IS NULL OR claimed_until <= now()) ORDER BY scheduled, id LIMIT 1)"       \
    " UNION ALL (SELECT id FROM sm_event_queue WHERE processed IS NULL"                            \
    " AND master_id IS NOT NULL AND master_id = $5::bigint"                                        \
    " AND event_type = 'MasterSMHoldTimeout' AND zone_id IS NULL AND server_id IS NULL"            \
    " AND (claimed_until IS NULL OR claimed_until <= now())"                                       \
    " AND EXISTS (SELECT 1 FROM sm_master m WHERE m.id = $5::bigint AND m.state = 'HOLD'"          \
    " AND CASE $1 WHEN 'MasterSMMasterReconfig' THEN m.hold_sg <> 0"                               \
    " WHEN 'MasterSMPartialReconfig' THEN m.hold_sg IN (-2, ($2::jsonb->>'sg_id')::bigint)"        \
    " WHEN 'MasterSMAllReconfig' THEN m.hold_sg = -2 ELSE false END)"                              \
    " ORDER BY scheduled, id LIMIT 1) LIMIT 1),"                                                   \
    " added AS (INSERT INTO sm_event_queue (event_type, parameters, zone_id, server_id,"           \
    " master_id, scheduled) SELECT $1, $2::jsonb, $3, $4, $5, now() + make_interval(secs => $6)"   \
    " WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)"                                        \
    " SELECT id FROM found UNION ALL SELECT id FROM added"

// clang-format off
constexpr Statement statements[] = {
    {"event_insert",
     "INSERT INTO sm_event_queue (event_type, parameters, zone_id, server_id, master_id,"
     " scheduled, state, processed, result_code, results)"
     " VALUES ($1, $2::jsonb, $3, $4, $5, now() + make_interval(secs => $6), $7::text,"
     " CASE WHEN $7::text IN ('NEW', 'RETRY') THEN NULL ELSE now() END, $8, $9::jsonb)"
     " RETURNING id"},
    // One statement per kind of target, each matching it with = so that the pending
    // events of that zone (or server, or the master) are found by index: with
    // IS NOT DISTINCT FROM it was a scan of the whole queue per insert.
    {"event_insert_coalesce_zone", DMS_COALESCE_INSERT("zone_id = $3::bigint",
                                                         "zone_id, event_type, id")},
    {"event_insert_coalesce_server", DMS_COALESCE_INSERT("server_id = $4::bigint", "id")},
    {"event_insert_coalesce_master", DMS_MASTER_INSERT_UNLESS_ASKED},
    // insert_many: plain events and synchronous records, one array per column.
    {"event_insert_many",
     "INSERT INTO sm_event_queue (event_type, parameters, zone_id, server_id, master_id,"
     " scheduled, state, processed, result_code, results)"
     " SELECT v.t, v.p::jsonb, v.z, v.s, v.m, now() + make_interval(secs => v.d), v.st,"
     " CASE WHEN v.st IN ('NEW', 'RETRY') THEN NULL ELSE now() END, v.c, v.r::jsonb"
     " FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],"
     " $6::float8[], $7::text[], $8::int[], $9::text[]) WITH ORDINALITY"
     " AS v (t, p, z, s, m, d, st, c, r, ord) ORDER BY v.ord"},
    // insert_many: coalescing zone events, each merging as event_insert_coalesce_zone
    // does. The look-up orders by the pending-zone index's own columns, so that it is
    // that index's first entry whatever the statistics say.
    {"event_insert_coalesce_zones",
     "WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[],"
     " $5::boolean[]) WITH ORDINALITY AS v (t, p, z, d, fresh, ord)),"
     " found AS (SELECT v.ord, f.id, f.scheduled, v.d FROM v CROSS JOIN LATERAL"
     " (SELECT q.id, q.scheduled FROM sm_event_queue q WHERE NOT v.fresh"
     " AND q.processed IS NULL AND q.zone_id = v.z AND q.event_type = v.t"
     " AND q.parameters = v.p::jsonb AND q.server_id IS NULL AND q.master_id IS NULL"
     " AND (q.claimed_until IS NULL OR q.claimed_until <= now()) AND q.id <> ALL ($6::bigint[])"
     " ORDER BY q.zone_id, q.event_type, q.id LIMIT 1 FOR SHARE OF q SKIP LOCKED) f),"
     " moved AS (UPDATE sm_event_queue e SET scheduled = now() + make_interval(secs => found.d)"
     " FROM found WHERE e.id = found.id AND found.scheduled > now() + make_interval(secs => found.d)"
     " RETURNING e.id),"
     " added AS (INSERT INTO sm_event_queue (event_type, parameters, zone_id, scheduled)"
     " SELECT v.t, v.p::jsonb, v.z, now() + make_interval(secs => v.d) FROM v"
     " WHERE NOT EXISTS (SELECT 1 FROM found WHERE found.ord = v.ord) ORDER BY v.ord"
     " RETURNING id)"
     " SELECT (SELECT count(*) FROM found), (SELECT count(*) FROM added),"
     " (SELECT count(*) FROM moved)"},
    {"event_find", "SELECT " DMS_EVENT_COLUMNS "WHERE e.id = $1"},
    {"event_end",
     "UPDATE sm_event_queue SET state = $2, processed = now(),"
     " results = coalesce(results, '{}'::jsonb) || jsonb_build_object('message', $3::text)"
     " WHERE id = $1 AND processed IS NULL"},
    {"event_reschedule",
     "UPDATE sm_event_queue SET scheduled = now() + make_interval(secs => $2)"
     " WHERE id = $1 AND processed IS NULL"},
    {"event_set_result",
     "UPDATE sm_event_queue SET state = $2, processed = now(), result_code = $3,"
     " results = $4::jsonb WHERE id = $1"},
    {"event_pending",
     "SELECT " DMS_EVENT_COLUMNS "WHERE e.processed IS NULL ORDER BY e.scheduled, e.id"},
    {"event_cancel_zone_work",
     "UPDATE sm_event_queue SET state = 'CANCELLED', processed = now(),"
     " results = jsonb_build_object('message', $2::text)"
     " WHERE processed IS NULL AND zone_id = ANY ($1::bigint[]) AND event_type IN"
     " ('ZoneSMConfig', 'ZoneSMReconfigUpdate', 'ZoneSMReconfigCheck', 'ZoneSMBatchConfig',"
     " 'ZoneSMUpdate', 'ZoneSMEditUpdate')"},
    {"event_last_master",
     "SELECT " DMS_EVENT_COLUMNS "WHERE e.master_id IS NOT NULL AND e.processed IS NOT NULL"
     " ORDER BY e.processed DESC, e.id DESC LIMIT 1"},
    {"event_recent",
     "SELECT " DMS_EVENT_COLUMNS
     "WHERE e.processed IS NOT NULL AND (NOT $2 OR e.state = 'FAILURE')"
     " ORDER BY e.processed DESC, e.id DESC LIMIT $1"},
};
// clang-format on

} // namespace

namespace detail {
std::span<const Statement> event_statements() {
    return statements;
}
} // namespace detail

namespace events {

std::int64_t insert(Transaction& tx, const NewEvent& ev) {
    const Arg zone(ev.zone_id);
    const Arg server(ev.server_id);
    const Arg master(ev.master_id);
    const double delay = static_cast<double>(ev.delay.count()) / 1000.0;
    if (ev.coalesce && !ev.done && (ev.zone_id || ev.server_id || ev.master_id)) {
        const char* statement = ev.zone_id     ? "event_insert_coalesce_zone"
                                : ev.server_id ? "event_insert_coalesce_server"
                                               : "event_insert_coalesce_master";
        return work(tx)
            .exec_prepared1(statement, ev.event_type, ev.parameters, zone.get(), server.get(),
                            master.get(), delay)[0]
            .as<std::int64_t>();
    }
    const std::string state = ev.done ? ev.done->state : "NEW";
    const Arg code(ev.done ? std::optional<int>(ev.done->result_code) : std::nullopt);
    const Arg results(ev.done ? std::optional<std::string>(ev.done->results) : std::nullopt);
    return work(tx)
        .exec_prepared1("event_insert", ev.event_type, ev.parameters, zone.get(), server.get(),
                        master.get(), delay, state, code.get(), results.get())[0]
        .as<std::int64_t>();
}

void insert_many(Transaction& tx, const std::vector<NewEvent>& events,
                 const std::vector<std::int64_t>& fresh_zones,
                 const std::vector<std::int64_t>& running) {
    const auto seconds = [](const NewEvent& e) {
        return static_cast<double>(e.delay.count()) / 1000.0;
    };
    ArrayText pt, pp, pz, ps, pm, pd, pst, pc, pr;
    std::size_t plain = 0;
    ArrayText zt, zp, zz, zd, zf;
    std::size_t zones = 0;
    // Coalescing master and server events: identical ones merge here, due at the
    // earliest of them.
    std::vector<NewEvent> single;
    for (const auto& e : events) {
        const bool coalesce = e.coalesce && !e.done && (e.zone_id || e.server_id || e.master_id);
        if (coalesce && e.zone_id && !e.server_id && !e.master_id) {
            zt.add(e.event_type);
            zp.add(e.parameters);
            zz.add(*e.zone_id);
            zd.add(seconds(e));
            zf.add(std::binary_search(fresh_zones.begin(), fresh_zones.end(), *e.zone_id));
            ++zones;
        } else if (coalesce) {
            const auto same = std::find_if(single.begin(), single.end(), [&](const NewEvent& s) {
                return s.event_type == e.event_type && s.parameters == e.parameters &&
                       s.zone_id == e.zone_id && s.server_id == e.server_id &&
                       s.master_id == e.master_id;
            });
            if (same == single.end()) {
                single.push_back(e);
            } else {
                same->delay = std::min(same->delay, e.delay);
            }
        } else {
            pt.add(e.event_type);
            pp.add(e.parameters);
            pz.add(e.zone_id);
            ps.add(e.server_id);
            pm.add(e.master_id);
            pd.add(seconds(e));
            pst.add(e.done ? e.done->state : std::string("NEW"));
            pc.add(e.done ? std::optional<int>(e.done->result_code) : std::nullopt);
            pr.add(e.done ? std::optional<std::string>(e.done->results) : std::nullopt);
            ++plain;
        }
    }
    auto& w = work(tx);
    if (plain > 0) {
        w.exec_prepared0("event_insert_many", pt.str(), pp.str(), pz.str(), ps.str(), pm.str(),
                         pd.str(), pst.str(), pc.str(), pr.str());
    }
    if (zones > 0) {
        w.exec_prepared("event_insert_coalesce_zones", zt.str(), zp.str(), zz.str(), zd.str(),
                        zf.str(), int_array(running));
    }
    for (const auto& e : single) {
        insert(tx, e);
    }
}

std::optional<EventRecord> find(Transaction& tx, std::int64_t id) {
    const auto r = work(tx).exec_prepared("event_find", id);
    return r.empty() ? std::nullopt : std::optional<EventRecord>(read_event(r[0]));
}

bool cancel(Transaction& tx, std::int64_t id, std::string_view why) {
    return work(tx).exec_prepared("event_end", id, "CANCELLED", std::string(why)).affected_rows() >
           0;
}

bool fail(Transaction& tx, std::int64_t id, std::string_view why) {
    return work(tx).exec_prepared("event_end", id, "FAILURE", std::string(why)).affected_rows() > 0;
}

bool reschedule(Transaction& tx, std::int64_t id, std::chrono::seconds delay) {
    return work(tx)
               .exec_prepared("event_reschedule", id, static_cast<double>(delay.count()))
               .affected_rows() > 0;
}

void set_result(Transaction& tx, std::int64_t id, const NewEvent::Done& done) {
    work(tx).exec_prepared0("event_set_result", id, done.state, done.result_code, done.results);
}

std::vector<EventRecord> pending(Transaction& tx) {
    std::vector<EventRecord> out;
    for (const auto& r : work(tx).exec_prepared("event_pending")) {
        out.push_back(read_event(r));
    }
    return out;
}

std::size_t cancel_zone_work(Transaction& tx, const std::vector<std::int64_t>& zone_ids,
                             std::string_view why) {
    return work(tx)
        .exec_prepared("event_cancel_zone_work", int_array(zone_ids), std::string(why))
        .affected_rows();
}

std::optional<EventRecord> last_master_event(Transaction& tx) {
    const auto r = work(tx).exec_prepared("event_last_master");
    return r.empty() ? std::nullopt : std::optional<EventRecord>(read_event(r[0]));
}

std::vector<EventRecord> recent(Transaction& tx, std::size_t limit, bool failed_only) {
    std::vector<EventRecord> out;
    for (const auto& r :
         work(tx).exec_prepared("event_recent", static_cast<std::int64_t>(limit), failed_only)) {
        out.push_back(read_event(r));
    }
    return out;
}

} // namespace events

void EventBuffer::flush(Transaction& tx) {
    if (!m_events.empty()) {
        std::sort(m_fresh.begin(), m_fresh.end());
        events::insert_many(tx, m_events, m_fresh, m_running);
    }
    m_events.clear();
}
} // namespace dms::db
