// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/vacuum.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

/// "$1 days ago" for an age in days.
#define DMS_AGO(n) "now() - make_interval(secs => $" #n "::float8 * 86400)"

// clang-format off
constexpr Statement statements[] = {
    // By the partial index on processed: the oldest first.
    {"vacuum_events",
     "WITH doomed AS (SELECT id FROM sm_event_queue WHERE processed IS NOT NULL"
     " AND processed < " DMS_AGO(1) " ORDER BY processed LIMIT $2 FOR UPDATE SKIP LOCKED)"
     " DELETE FROM sm_event_queue e USING doomed d WHERE e.id = d.id"},
    {"vacuum_deleted_zones",
     "SELECT id, name, zone_files FROM sm_zone WHERE state = 'DELETED'"
     " AND (deleted_start IS NULL OR deleted_start < " DMS_AGO(1) ") AND id > $2"
     " ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED"},
    {"vacuum_destroy_zones",
     "DELETE FROM sm_zone WHERE id = ANY ($1::bigint[]) AND state = 'DELETED'"
     " AND NOT zone_files"},
    {"vacuum_zones_many_zis",
     "SELECT zi.zone_id FROM zone_instances zi JOIN sm_zone z ON z.id = zi.zone_id"
     " WHERE z.state <> 'DELETED' AND zi.zone_id > $2 GROUP BY zi.zone_id"
     " HAVING count(*) > $1 ORDER BY zi.zone_id LIMIT $3"},
    // Ranked per zone, newest first (ctime, then id): beyond the newest $2 and older
    // than the age, never the published or candidate ZI.
    {"vacuum_old_zis",
     "WITH ranked AS (SELECT zi.id, zi.mtime, z.zi_id, z.zi_candidate_id,"
     " row_number() OVER (PARTITION BY zi.zone_id ORDER BY zi.ctime DESC, zi.id DESC) AS rn"
     " FROM zone_instances zi JOIN sm_zone z ON z.id = zi.zone_id"
     " WHERE zi.zone_id = ANY ($1::bigint[]) AND z.state <> 'DELETED'),"
     " doomed AS (SELECT id FROM ranked WHERE rn > $2 AND mtime < " DMS_AGO(3)
     " AND id IS DISTINCT FROM zi_id AND id IS DISTINCT FROM zi_candidate_id"
     " ORDER BY mtime LIMIT $4)"
     " DELETE FROM zone_instances zi USING doomed d WHERE zi.id = d.id"},
    {"vacuum_zones_to_pare",
     "SELECT z.id FROM sm_zone z WHERE z.state = 'DELETED'"
     " AND (z.deleted_start IS NULL OR z.deleted_start < " DMS_AGO(1) ") AND z.id > $2"
     " AND EXISTS (SELECT 1 FROM zone_instances zi WHERE zi.zone_id = z.id"
     " AND zi.id IS DISTINCT FROM z.zi_id AND zi.id IS DISTINCT FROM z.zi_candidate_id)"
     " ORDER BY z.id LIMIT $3"},
    {"vacuum_pare_zis",
     "WITH doomed AS (SELECT zi.id FROM zone_instances zi JOIN sm_zone z ON z.id = zi.zone_id"
     " WHERE zi.zone_id = ANY ($1::bigint[]) AND z.state = 'DELETED'"
     " AND zi.id IS DISTINCT FROM z.zi_id AND zi.id IS DISTINCT FROM z.zi_candidate_id"
     " ORDER BY zi.id LIMIT $2)"
     " DELETE FROM zone_instances zi USING doomed d WHERE zi.id = d.id"},
    {"vacuum_audit", "SELECT public.dms_vacuum_audit($1::float8, $2::int)"},
};
// clang-format on

#undef DMS_AGO

std::vector<std::int64_t> ids_of(const pqxx::result& r) {
    std::vector<std::int64_t> out;
    out.reserve(r.size());
    for (const auto& row : r) {
        out.push_back(row[0].as<std::int64_t>());
    }
    return out;
}

} // namespace

namespace detail {
std::span<const Statement> vacuum_statements() {
    return statements;
}
} // namespace detail

namespace vacuum {

std::int64_t events(Transaction& tx, double age_days, std::int64_t batch) {
    return static_cast<std::int64_t>(
        work(tx).exec_prepared("vacuum_events", age_days, batch).affected_rows());
}

std::vector<DeletedZone> deleted_zones(Transaction& tx, double age_days, std::int64_t after,
                                       std::int64_t batch) {
    std::vector<DeletedZone> out;
    for (const auto& r : work(tx).exec_prepared("vacuum_deleted_zones", age_days, after, batch)) {
        out.push_back({r[0].as<std::int64_t>(), r[1].c_str(), r[2].as<bool>()});
    }
    return out;
}

std::int64_t destroy_zones(Transaction& tx, const std::vector<std::int64_t>& ids) {
    if (ids.empty()) {
        return 0;
    }
    return static_cast<std::int64_t>(
        work(tx).exec_prepared("vacuum_destroy_zones", int_array(ids)).affected_rows());
}

std::vector<std::int64_t> zones_with_many_zis(Transaction& tx, std::int64_t max_num,
                                              std::int64_t after, std::int64_t batch) {
    return ids_of(work(tx).exec_prepared("vacuum_zones_many_zis", max_num, after, batch));
}

std::int64_t old_zis(Transaction& tx, const std::vector<std::int64_t>& zone_ids,
                     std::int64_t max_num, double age_days, std::int64_t batch) {
    if (zone_ids.empty()) {
        return 0;
    }
    return static_cast<std::int64_t>(
        work(tx)
            .exec_prepared("vacuum_old_zis", int_array(zone_ids), max_num, age_days, batch)
            .affected_rows());
}

std::vector<std::int64_t> deleted_zones_to_pare(Transaction& tx, double age_days,
                                                std::int64_t after, std::int64_t batch) {
    return ids_of(work(tx).exec_prepared("vacuum_zones_to_pare", age_days, after, batch));
}

std::int64_t pare_zis(Transaction& tx, const std::vector<std::int64_t>& zone_ids,
                      std::int64_t batch) {
    if (zone_ids.empty()) {
        return 0;
    }
    return static_cast<std::int64_t>(
        work(tx).exec_prepared("vacuum_pare_zis", int_array(zone_ids), batch).affected_rows());
}

std::int64_t audit(Transaction& tx, double age_days, std::int64_t batch) {
    return work(tx).exec_prepared1("vacuum_audit", age_days, batch)[0].as<std::int64_t>();
}

} // namespace vacuum
} // namespace dms::db
