// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/queue.hpp"

#include "convert.hpp"
#include "event_row.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

/// The zone `z` stopped on a failure for good: its newest event FAILED with a refusal
/// ("permanent" in its results, e.g. named cannot load the zone file). It waits for the
/// operator (any of their commands on the zone records a newer event); retrying could
/// only fail the same way.
#define DMS_ZONE_FAILED                                                                            \
    "EXISTS (SELECT 1 FROM (SELECT f.state, f.results FROM sm_event_queue f"                       \
    " WHERE f.zone_id = z.id ORDER BY f.id DESC LIMIT 1) l"                                        \
    " WHERE l.state = 'FAILURE' AND l.results->>'permanent' = 'true')"

/// Which pending event each zone state needs (REFERENCE.md 3.1.2, ARCHITECTURE.md 3:
/// no stuck machines), and the zones missing it; not the zones that failed for good.
#define DMS_ZONE_NEEDS                                                                             \
    "SELECT z.id, z.name, z.state,"                                                                \
    " CASE z.state WHEN 'CREATE' THEN 'ZoneSMConfig' WHEN 'RESET' THEN 'ZoneSMConfig'"             \
    " WHEN 'UNCONFIG' THEN 'ZoneSMReconfigUpdate' WHEN 'BATCH_CREATE_1' THEN 'ZoneSMBatchConfig'"  \
    " WHEN 'BATCH_CREATE_2' THEN 'ZoneSMReconfigCheck' WHEN 'UPDATE' THEN 'ZoneSMEditUpdate'"      \
    " WHEN 'PUBLISHED' THEN 'ZoneSMUpdate' ELSE 'ZoneSMRemoveZoneFiles' END AS event_type,"        \
    " z.edit_lock_token, z.zi_candidate_id"                                                        \
    " FROM sm_zone z"                                                                              \
    " WHERE (z.state IN ('CREATE', 'RESET', 'UNCONFIG', 'BATCH_CREATE_1', 'BATCH_CREATE_2',"       \
    " 'UPDATE')"                                                                                   \
    " OR (z.state = 'PUBLISHED' AND z.zi_candidate_id IS DISTINCT FROM z.zi_id)"                   \
    " OR (z.state IN ('DISABLED', 'DELETED') AND z.zone_files))"                                   \
    " AND NOT " DMS_ZONE_FAILED " UNION ALL"                                                       \
    " SELECT z.id, z.name, 'EDIT_LOCK', 'ZoneSMEditTimeout', z.edit_lock_token,"                   \
    " z.zi_candidate_id FROM sm_zone z"                                                            \
    " WHERE $1 AND z.lock_state = 'EDIT_LOCK' AND z.state <> 'UPDATE'"

/// Sets claimed_by = $1, claimed_until = now + $2 seconds on the events in c.
#define DMS_MARK_RUNNING                                                                           \
    "UPDATE sm_event_queue r SET claimed_by = $1, claimed_until = now() + make_interval(secs => "  \
    "$2)"                                                                                          \
    " FROM c WHERE r.id = c.id RETURNING r.id"

/// Which pending event each enabled server needs: its periodic check when OK, else a
/// configuration attempt.
#define DMS_SERVER_NEEDS                                                                           \
    "SELECT s.id, s.name, s.state, CASE s.state WHEN 'OK' THEN 'ServerSMCheckServer'"              \
    " ELSE 'ServerSMConfigure' END AS event_type FROM sm_servers s WHERE s.state <> 'DISABLED'"

// clang-format off
constexpr Statement statements[] = {
    // The claimed event with all its columns; master events first (they unblock many
    // zone events), then everything else, oldest due first.
    {"queue_claim_master",
     "WITH c AS (SELECT q.id FROM sm_event_queue q JOIN sm_event_types t"
     " ON t.name = q.event_type WHERE t.queued AND q.processed IS NULL"
     " AND q.master_id IS NOT NULL AND q.scheduled <= now() AND q.id <> ALL ($1::bigint[])"
     " ORDER BY q.scheduled, q.id LIMIT 1 FOR UPDATE OF q SKIP LOCKED)"
     " SELECT " DMS_EVENT_COLUMNS "JOIN c ON c.id = e.id"},
    {"queue_claim",
     "WITH c AS (SELECT q.id FROM sm_event_queue q JOIN sm_event_types t"
     " ON t.name = q.event_type WHERE t.queued AND q.processed IS NULL"
     " AND q.scheduled <= now() AND q.id <> ALL ($1::bigint[])"
     " ORDER BY q.scheduled, q.id LIMIT 1 FOR UPDATE OF q SKIP LOCKED)"
     " SELECT " DMS_EVENT_COLUMNS "JOIN c ON c.id = e.id"},
    // claim(): the oldest due event whose machine row is free too, both locked (SKIP
    // LOCKED: an event of a busy machine is passed by, never waited for) and marked
    // running, in one statement. Master events first, then server events, then events
    // without a machine row (orphans of a deleted zone or server), then zone events.
    {"queue_claim_run_master",
     "WITH c AS (SELECT q.id FROM sm_event_queue q JOIN sm_event_types t"
     " ON t.name = q.event_type JOIN sm_master m ON m.id = q.master_id"
     " WHERE t.queued AND q.processed IS NULL AND q.master_id IS NOT NULL"
     " AND q.scheduled <= now() ORDER BY q.scheduled, q.id LIMIT 1"
     " FOR UPDATE OF q SKIP LOCKED FOR NO KEY UPDATE OF m SKIP LOCKED),"
     " u AS (" DMS_MARK_RUNNING ")"
     " SELECT " DMS_EVENT_COLUMNS "JOIN u ON u.id = e.id"},
    {"queue_claim_run_server",
     "WITH c AS (SELECT q.id FROM sm_event_queue q JOIN sm_event_types t"
     " ON t.name = q.event_type JOIN sm_servers s ON s.id = q.server_id"
     " WHERE t.queued AND q.processed IS NULL AND q.zone_id IS NULL AND q.master_id IS NULL"
     " AND q.scheduled <= now() ORDER BY q.scheduled, q.id LIMIT 1"
     " FOR UPDATE OF q SKIP LOCKED FOR NO KEY UPDATE OF s SKIP LOCKED),"
     " u AS (" DMS_MARK_RUNNING ")"
     " SELECT " DMS_EVENT_COLUMNS "JOIN u ON u.id = e.id"},
    {"queue_claim_run_other",
     "WITH c AS (SELECT q.id FROM sm_event_queue q JOIN sm_event_types t"
     " ON t.name = q.event_type WHERE t.queued AND q.processed IS NULL"
     " AND q.zone_id IS NULL AND q.master_id IS NULL AND q.server_id IS NULL"
     " AND q.scheduled <= now() ORDER BY q.scheduled, q.id LIMIT 1 FOR UPDATE OF q SKIP LOCKED),"
     " u AS (" DMS_MARK_RUNNING ")"
     " SELECT " DMS_EVENT_COLUMNS "JOIN u ON u.id = e.id"},
    {"queue_claim_run_zone",
     "WITH c AS (SELECT q.id FROM sm_event_queue q JOIN sm_event_types t"
     " ON t.name = q.event_type JOIN sm_zone z ON z.id = q.zone_id"
     " WHERE t.queued AND q.processed IS NULL AND q.scheduled <= now()"
     " ORDER BY q.scheduled, q.id LIMIT 1"
     " FOR UPDATE OF q SKIP LOCKED FOR NO KEY UPDATE OF z SKIP LOCKED),"
     " u AS (" DMS_MARK_RUNNING ")"
     " SELECT " DMS_EVENT_COLUMNS "JOIN u ON u.id = e.id"},
    // claim_zones(): the oldest due zone events whose zone rows are free, those rows
    // locked (SKIP LOCKED, as queue_claim_run_zone); of those events, the oldest of each
    // zone name (so no two zones of one name run in one batch, whose zone rows are
    // written at its end), locked and re-checked (SKIP LOCKED). Only the events run are
    // locked, so zone_tool can still coalesce into the others. They are not marked
    // running (an update of every claimed row, most of a batch's claim): other
    // transactions pass them by as locked, the batch's own merges leave them out
    // (EventBuffer::running), and finish_many records the worker.
    // The re-check is in l's select list, not its WHERE: there it would let the planner
    // pick a pending-events index, and on a young queue (statistics from when nothing
    // was pending) it scanned every due event once per claimed one (15 ms a batch of a
    // bulk load); by id alone the only plan is the primary key.
    {"queue_claim_run_zones",
     "WITH c AS (SELECT q.id, q.scheduled, z.name FROM sm_event_queue q JOIN sm_event_types t"
     " ON t.name = q.event_type JOIN sm_zone z ON z.id = q.zone_id"
     " WHERE t.queued AND q.processed IS NULL AND q.scheduled <= now()"
     " ORDER BY q.scheduled, q.id LIMIT $1 FOR NO KEY UPDATE OF z SKIP LOCKED),"
     " d AS (SELECT DISTINCT ON (c.name) c.id FROM c ORDER BY c.name, c.scheduled, c.id),"
     " l AS (SELECT q.id, q.processed IS NULL AND q.scheduled <= now() AS due"
     " FROM sm_event_queue q WHERE q.id = ANY (ARRAY(SELECT d.id FROM d))"
     " FOR UPDATE SKIP LOCKED)"
     " SELECT " DMS_EVENT_COLUMNS "JOIN l ON l.id = e.id AND l.due ORDER BY e.scheduled, e.id"},
    // Marks the event being run, so that this transaction's own inserts never coalesce
    // into it (events.cpp) and its row says who ran it.
    {"queue_mark_running",
     "UPDATE sm_event_queue SET claimed_by = $2,"
     " claimed_until = now() + make_interval(secs => $3) WHERE id = $1"},
    // min() is NULL when nothing is pending (and greatest() would turn that into 0).
    {"queue_next_due",
     "SELECT CASE WHEN min(e.scheduled) IS NULL THEN NULL ELSE"
     " (greatest(extract(epoch from min(e.scheduled) - now()), 0) * 1000)::bigint END"
     " FROM sm_event_queue e JOIN sm_event_types t ON t.name = e.event_type"
     " WHERE t.queued AND e.processed IS NULL"},
    {"queue_finish",
     "UPDATE sm_event_queue SET state = $2, processed = now(), result_code = $3,"
     " results = $4::jsonb, claimed_by = $5, claimed_until = now() WHERE id = $1"},
    {"queue_finish_many",
     "UPDATE sm_event_queue e SET state = v.state, processed = now(), result_code = v.code,"
     " results = v.results::jsonb, claimed_by = $5, claimed_until = now()"
     " FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[])"
     " AS v (id, state, code, results) WHERE e.id = v.id"},
    {"queue_retry",
     "UPDATE sm_event_queue SET state = 'RETRY', attempts = attempts + 1, last_error = $3,"
     " scheduled = now() + make_interval(secs => $2), claimed_by = $4, claimed_until = now()"
     " WHERE id = $1 RETURNING attempts"},
    {"queue_wake",
     "UPDATE sm_event_queue e SET scheduled = now()"
     " WHERE e.id IN (SELECT id FROM sm_event_queue"
     " WHERE processed IS NULL AND scheduled > now() AND ("
     " (zone_id = ANY ($1::bigint[])"
     " AND event_type IN ('ZoneSMReconfigUpdate', 'ZoneSMReconfigCheck'))"
     " OR (zone_id = ANY ($2::bigint[])"
     " AND event_type IN ('ZoneSMConfig', 'ZoneSMRemoveZoneFiles')))"
     " FOR UPDATE SKIP LOCKED)"},
    {"queue_waiting_sgs",
     "SELECT DISTINCT s.sg FROM sm_event_queue e JOIN sm_zone z ON z.id = e.zone_id,"
     " LATERAL (VALUES (coalesce(z.sg_id, 0)), (z.alt_sg_id)) AS s (sg)"
     " WHERE e.processed IS NULL AND e.attempts = 0 AND e.scheduled > now()"
     " AND e.event_type IN ('ZoneSMReconfigUpdate', 'ZoneSMReconfigCheck', 'ZoneSMConfig',"
     " 'ZoneSMRemoveZoneFiles') AND s.sg IS NOT NULL ORDER BY 1"},
    {"queue_missing",
     "WITH need AS (" DMS_ZONE_NEEDS ")"
     " SELECT n.id, n.name, n.state, n.event_type, n.edit_lock_token, n.zi_candidate_id,"
     " coalesce((greatest(extract(epoch from (SELECT max(f.processed) FROM sm_event_queue f"
     " WHERE f.zone_id = n.id AND f.event_type = n.event_type AND f.state = 'FAILURE')"
     " + make_interval(secs => $2) - now()), 0) * 1000)::bigint, 0)"
     " FROM need n WHERE NOT EXISTS (SELECT 1 FROM sm_event_queue e WHERE e.zone_id = n.id"
     " AND e.processed IS NULL AND e.event_type = n.event_type)"
     " UNION ALL"
     " SELECT m.id, '', m.state, 'MasterSMHoldTimeout', NULL, NULL,"
     " (greatest(extract(epoch from m.hold_stop - now()), 0) * 1000)::bigint"
     " FROM sm_master m WHERE m.state = 'HOLD' AND NOT EXISTS (SELECT 1 FROM sm_event_queue e"
     " WHERE e.master_id = m.id AND e.processed IS NULL"
     " AND e.event_type = 'MasterSMHoldTimeout')"
     " UNION ALL"
     " SELECT n.id, n.name, n.state, n.event_type, NULL, NULL,"
     " coalesce((greatest(extract(epoch from (SELECT max(f.processed) FROM sm_event_queue f"
     " WHERE f.server_id = n.id AND f.event_type = n.event_type AND f.state = 'FAILURE')"
     " + make_interval(secs => $2) - now()), 0) * 1000)::bigint, 0)"
     " FROM (" DMS_SERVER_NEEDS ") n WHERE NOT EXISTS (SELECT 1 FROM sm_event_queue e"
     " WHERE e.server_id = n.id AND e.processed IS NULL AND e.event_type = n.event_type)"
     " LIMIT $3"},
    {"queue_still_missing_zone",
     "WITH need AS (" DMS_ZONE_NEEDS ")"
     " SELECT 1 FROM need n WHERE n.id = $2 AND n.event_type = $3"
     " AND NOT EXISTS (SELECT 1 FROM sm_event_queue e WHERE e.zone_id = n.id"
     " AND e.processed IS NULL AND e.event_type = n.event_type)"},
    {"queue_still_missing_server",
     "SELECT 1 FROM (" DMS_SERVER_NEEDS ") n WHERE n.id = $1 AND n.event_type = $2"
     " AND NOT EXISTS (SELECT 1 FROM sm_event_queue e WHERE e.server_id = n.id"
     " AND e.processed IS NULL AND e.event_type = n.event_type)"},
    {"queue_still_missing_master",
     "SELECT 1 FROM sm_master m WHERE m.state = 'HOLD' AND NOT EXISTS ("
     "SELECT 1 FROM sm_event_queue e WHERE e.master_id = m.id AND e.processed IS NULL"
     " AND e.event_type = 'MasterSMHoldTimeout')"},
    {"queue_counts",
     "SELECT (SELECT count(*) FROM sm_event_queue WHERE processed IS NULL),"
     " (SELECT count(*) FROM sm_event_queue WHERE processed IS NULL AND attempts > 0),"
     " (SELECT count(*) FROM sm_event_queue WHERE state = 'FAILURE'),"
     " (SELECT count(*) FROM sm_event_queue WHERE result_code = 220"
     " AND results->>'message' LIKE 'no transition%'),"
     " (SELECT count(*) FROM dms_audit.audit_log WHERE operation = 'reconcile'),"
     " (SELECT count(*) FROM sm_zone z WHERE z.state <> 'DELETED' AND " DMS_ZONE_FAILED ")"},
    {"queue_failed_zones",
     "SELECT z.name, l.message FROM sm_zone z, LATERAL (SELECT f.state,"
     " f.results->>'permanent' AS permanent, f.results->>'message' AS message"
     " FROM sm_event_queue f WHERE f.zone_id = z.id ORDER BY f.id DESC LIMIT 1) l"
     " WHERE z.state <> 'DELETED' AND l.state = 'FAILURE' AND l.permanent = 'true'"
     " ORDER BY z.name"},
};
// clang-format on

} // namespace

namespace detail {
std::span<const Statement> queue_statements() {
    return statements;
}
} // namespace detail

namespace queue {

std::optional<EventRecord> claim_due(Transaction& tx, const std::vector<std::int64_t>& exclude) {
    const auto ids = int_array(exclude);
    auto r = work(tx).exec_prepared("queue_claim_master", ids);
    if (r.empty()) {
        r = work(tx).exec_prepared("queue_claim", ids);
    }
    return r.empty() ? std::nullopt : std::optional<EventRecord>(read_event(r[0]));
}

namespace {
std::optional<EventRecord> claim_first(Transaction& tx, std::string_view worker,
                                       std::chrono::milliseconds lease,
                                       std::initializer_list<const char*> statements) {
    const std::string w(worker);
    const double secs = static_cast<double>(lease.count()) / 1000.0;
    for (const char* statement : statements) {
        const auto r = work(tx).exec_prepared(statement, w, secs);
        if (!r.empty()) {
            return read_event(r[0]);
        }
    }
    return std::nullopt;
}
} // namespace

std::optional<EventRecord> claim(Transaction& tx, std::string_view worker,
                                 std::chrono::milliseconds lease) {
    return claim_first(tx, worker, lease,
                       {"queue_claim_run_master", "queue_claim_run_server", "queue_claim_run_other",
                        "queue_claim_run_zone"});
}

std::optional<EventRecord> claim_not_zone(Transaction& tx, std::string_view worker,
                                          std::chrono::milliseconds lease) {
    return claim_first(
        tx, worker, lease,
        {"queue_claim_run_master", "queue_claim_run_server", "queue_claim_run_other"});
}

std::vector<EventRecord> claim_zones(Transaction& tx, std::size_t max) {
    std::vector<EventRecord> out;
    for (const auto& r :
         work(tx).exec_prepared("queue_claim_run_zones", static_cast<std::int64_t>(max))) {
        out.push_back(read_event(r));
    }
    return out;
}

void mark_running(Transaction& tx, std::int64_t id, std::string_view worker,
                  std::chrono::milliseconds lease) {
    work(tx).exec_prepared0("queue_mark_running", id, std::string(worker),
                            static_cast<double>(lease.count()) / 1000.0);
}

std::vector<std::int64_t> sgs_waiting_for_reconfig(Transaction& tx) {
    std::vector<std::int64_t> out;
    for (const auto& r : work(tx).exec_prepared("queue_waiting_sgs")) {
        out.push_back(r[0].as<std::int64_t>());
    }
    return out;
}

std::optional<std::chrono::milliseconds> next_due(Transaction& tx) {
    const auto r = work(tx).exec_prepared1("queue_next_due");
    if (r[0].is_null()) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(r[0].as<long long>());
}

void finish(Transaction& tx, std::int64_t id, std::string_view state, int result_code,
            const std::string& results, std::string_view worker) {
    work(tx).exec_prepared0("queue_finish", id, std::string(state), result_code, results,
                            std::string(worker));
}

void finish_many(Transaction& tx, const std::vector<Finished>& events, std::string_view worker) {
    if (events.empty()) {
        return;
    }
    std::vector<std::string> states, results;
    for (const auto& f : events) {
        states.push_back(f.state);
        results.push_back(f.results);
    }
    work(tx).exec_prepared0(
        "queue_finish_many", int_array(events, [](const auto& f) { return f.id; }),
        text_array(states), int_array(events, [](const auto& f) { return f.result_code; }),
        text_array(results), std::string(worker));
}

int retry_later(Transaction& tx, std::int64_t id, std::chrono::milliseconds delay,
                std::string_view error, std::string_view worker) {
    return work(tx)
        .exec_prepared1("queue_retry", id, static_cast<double>(delay.count()) / 1000.0,
                        std::string(error), std::string(worker))[0]
        .as<int>();
}

std::size_t wake_after_reconfig(Transaction& tx, const std::vector<std::int64_t>& configured,
                                const std::vector<std::int64_t>& unconfigured) {
    return work(tx)
        .exec_prepared("queue_wake", int_array(configured), int_array(unconfigured))
        .affected_rows();
}

std::vector<MissingFollowUp> missing_follow_ups(Transaction& tx, bool edit_lock_timeouts,
                                                std::chrono::milliseconds failure_cooldown,
                                                std::size_t limit) {
    std::vector<MissingFollowUp> out;
    for (const auto& r :
         work(tx).exec_prepared("queue_missing", edit_lock_timeouts,
                                static_cast<double>(failure_cooldown.count()) / 1000.0,
                                static_cast<std::int64_t>(limit))) {
        MissingFollowUp m;
        m.sm_id = r[0].as<std::int64_t>();
        m.name = r[1].c_str();
        m.state = r[2].c_str();
        m.event_type = r[3].c_str();
        m.edit_lock_token = opt<std::int64_t>(r[4]);
        m.zi_candidate_id = opt<std::int64_t>(r[5]);
        m.delay = std::chrono::milliseconds(r[6].as<long long>());
        out.push_back(std::move(m));
    }
    return out;
}

bool still_missing(Transaction& tx, const MissingFollowUp& m, bool edit_lock_timeouts) {
    if (m.event_type == "MasterSMHoldTimeout") {
        return !work(tx).exec_prepared("queue_still_missing_master").empty();
    }
    if (m.event_type.starts_with("ServerSM")) {
        return !work(tx).exec_prepared("queue_still_missing_server", m.sm_id, m.event_type).empty();
    }
    return !work(tx)
                .exec_prepared("queue_still_missing_zone", edit_lock_timeouts, m.sm_id,
                               m.event_type)
                .empty();
}

QueueCounts counts(Transaction& tx) {
    const auto r = work(tx).exec_prepared1("queue_counts");
    return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
            r[3].as<std::int64_t>(), r[4].as<std::int64_t>(), r[5].as<std::int64_t>()};
}

std::vector<std::pair<std::string, std::string>> failed_zones(Transaction& tx) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& row : work(tx).exec_prepared("queue_failed_zones")) {
        out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>(""));
    }
    return out;
}

} // namespace queue
} // namespace dms::db
