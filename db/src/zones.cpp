// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/zones.hpp"

#include <unordered_map>

#include <fmt/format.h>

#include "dms/core/error.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

#define DMS_ZONE_COLUMNS                                                                           \
    "z.id, z.name, z.state, z.zone_type, z.zi_id, z.zi_candidate_id, z.soa_serial, "               \
    "z.use_apex_ns, z.edit_lock, z.auto_dnssec, z.nsec3, z.inc_updates, z.zone_files, "            \
    "z.lock_state, z.edit_lock_token, z.locked_by, "                                               \
    "(extract(epoch from z.locked_at) * 1000000)::bigint, z.sg_id, z.alt_sg_id, z.ref_id, "        \
    "(extract(epoch from z.deleted_start) * 1000000)::bigint, "                                    \
    "(extract(epoch from z.ctime) * 1000000)::bigint, "                                            \
    "(extract(epoch from z.mtime) * 1000000)::bigint, sg.name, asg.name, r.reference "
#define DMS_ZONE_FROM                                                                              \
    " FROM sm_zone z LEFT JOIN server_groups sg ON sg.id = z.sg_id"                                \
    " LEFT JOIN server_groups asg ON asg.id = z.alt_sg_id"                                         \
    " LEFT JOIN reference r ON r.id = z.ref_id "

// clang-format off
constexpr Statement statements[] = {
    {"zone_find_live",
     "SELECT " DMS_ZONE_COLUMNS DMS_ZONE_FROM "WHERE z.name = $1 AND z.state <> 'DELETED'"},
    {"zone_find_live_lock",
     "SELECT " DMS_ZONE_COLUMNS DMS_ZONE_FROM
     "WHERE z.name = $1 AND z.state <> 'DELETED' FOR NO KEY UPDATE OF z"},
    {"zone_find_id", "SELECT " DMS_ZONE_COLUMNS DMS_ZONE_FROM "WHERE z.id = $1"},
    {"zone_find_id_lock", "SELECT " DMS_ZONE_COLUMNS DMS_ZONE_FROM "WHERE z.id = $1 FOR NO KEY UPDATE OF z"},
    {"zone_try_lock",
     "SELECT " DMS_ZONE_COLUMNS DMS_ZONE_FROM "WHERE z.id = $1 FOR NO KEY UPDATE OF z SKIP LOCKED"},
    {"zone_exists", "SELECT 1 FROM sm_zone WHERE id = $1"},
    {"zone_restore_list",
     "SELECT z.id, z.name, z.sg_id, z.use_apex_ns, coalesce(z.zi_candidate_id, z.zi_id),"
     " z.zi_id, z.soa_serial FROM sm_zone z WHERE z.state NOT IN ('DISABLED', 'DELETED')"
     " AND coalesce(z.zi_candidate_id, z.zi_id) IS NOT NULL ORDER BY z.name"},
    {"zone_mark_restored",
     "UPDATE sm_zone z SET state = 'PUBLISHED', zi_id = v.zi, zi_candidate_id = v.zi,"
     " soa_serial = v.serial, zone_files = true"
     " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v (id, zi, serial)"
     " WHERE z.id = v.id"},
    {"zone_sample_published",
     "SELECT " DMS_ZONE_COLUMNS DMS_ZONE_FROM
     "WHERE z.state = 'PUBLISHED' AND z.soa_serial IS NOT NULL ORDER BY random() LIMIT $1"},
    // One statement, so one snapshot: the zones named must load, and the zones whose
    // pending events wait for named to drop them.
    {"zone_master_config",
     "SELECT z.id, z.name, z.state, z.auto_dnssec, z.sg_id, z.alt_sg_id, z.nsec3 FROM sm_zone z"
     " WHERE z.state IN ('INIT', 'UNCONFIG', 'BATCH_CREATE_2', 'PUBLISHED', 'UPDATE')"
     " OR EXISTS (SELECT 1 FROM sm_event_queue e WHERE e.zone_id = z.id"
     " AND e.processed IS NULL AND e.event_type IN ('ZoneSMConfig', 'ZoneSMRemoveZoneFiles'))"
     " ORDER BY z.name"},
    {"zone_list",
     "SELECT " DMS_ZONE_COLUMNS DMS_ZONE_FROM
     "WHERE ($1::text[] IS NULL OR z.name LIKE ANY ($1::text[]))"
     "  AND ($2::text IS NULL OR lower(r.reference) LIKE lower($2))"
     "  AND ($3::text IS NULL OR sg.name = $3)"
     "  AND CASE $4 WHEN 'exclude' THEN z.state <> 'DELETED'"
     "              WHEN 'only' THEN z.state = 'DELETED' ELSE true END"
     "  AND (NOT $5::boolean OR z.state <> 'DISABLED')"
     " ORDER BY z.name, z.id"},
    {"zone_insert",
     "INSERT INTO sm_zone (name, state, zone_type, use_apex_ns, edit_lock, auto_dnssec, nsec3,"
     " inc_updates, sg_id, alt_sg_id, ref_id)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"},
    {"zone_insert_many",
     "INSERT INTO sm_zone (name, state, zone_type, use_apex_ns, edit_lock, auto_dnssec, nsec3,"
     " inc_updates, sg_id, alt_sg_id, ref_id)"
     " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::boolean[],"
     " $6::boolean[], $7::boolean[], $8::boolean[], $9::bigint[], $10::bigint[], $11::bigint[])"
     " RETURNING id, name"},
    {"zone_live_names",
     "SELECT name FROM sm_zone WHERE name = ANY ($1::text[]) AND state <> 'DELETED'"},
    {"zone_update",
     "UPDATE sm_zone SET state = $2, zi_id = $3, zi_candidate_id = $4, soa_serial = $5,"
     " use_apex_ns = $6, edit_lock = $7, auto_dnssec = $8, nsec3 = $9, inc_updates = $10,"
     " zone_files = $11, lock_state = $12, edit_lock_token = $13, locked_by = $14,"
     " locked_at = to_timestamp($15::bigint / 1000000.0), sg_id = $16, alt_sg_id = $17,"
     " ref_id = $18, deleted_start = to_timestamp($19::bigint / 1000000.0), name = $20"
     " WHERE id = $1"},
    {"zone_find_ids", "SELECT " DMS_ZONE_COLUMNS DMS_ZONE_FROM "WHERE z.id = ANY ($1::bigint[])"},
    // zone_update for many rows: one array per column, element i for zone i.
    {"zone_update_many",
     "UPDATE sm_zone z SET state = v.state, zi_id = v.zi_id, zi_candidate_id = v.zi_candidate_id,"
     " soa_serial = v.soa_serial, use_apex_ns = v.use_apex_ns, edit_lock = v.edit_lock,"
     " auto_dnssec = v.auto_dnssec, nsec3 = v.nsec3, inc_updates = v.inc_updates,"
     " zone_files = v.zone_files, lock_state = v.lock_state, edit_lock_token = v.token,"
     " locked_by = v.locked_by, locked_at = to_timestamp(v.locked_at / 1000000.0),"
     " sg_id = v.sg_id, alt_sg_id = v.alt_sg_id, ref_id = v.ref_id,"
     " deleted_start = to_timestamp(v.deleted_start / 1000000.0), name = v.name"
     " FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],"
     " $6::boolean[], $7::boolean[], $8::boolean[], $9::boolean[], $10::boolean[],"
     " $11::boolean[], $12::text[], $13::bigint[], $14::text[], $15::bigint[], $16::bigint[],"
     " $17::bigint[], $18::bigint[], $19::bigint[], $20::text[])"
     " AS v (id, state, zi_id, zi_candidate_id, soa_serial, use_apex_ns, edit_lock, auto_dnssec,"
     " nsec3, inc_updates, zone_files, lock_state, token, locked_by, locked_at, sg_id, alt_sg_id,"
     " ref_id, deleted_start, name)"
     " WHERE z.id = v.id"},
    {"zone_destroy", "DELETE FROM sm_zone WHERE id = $1"},
    {"zone_other_live", "SELECT 1 FROM sm_zone WHERE name = $1 AND id <> $2 AND state <> 'DELETED'"},
    {"zone_other_served", "SELECT 1 FROM sm_zone WHERE name = $1 AND id <> $2"
                          " AND state NOT IN ('DELETED', 'DISABLED')"},
};
// clang-format on

ZoneRecord read(const pqxx::row& r) {
    ZoneRecord z;
    int i = 0;
    z.id = r[i++].as<std::int64_t>();
    z.name = r[i++].c_str();
    z.state = r[i++].c_str();
    z.zone_type = r[i++].c_str();
    z.zi_id = opt<std::int64_t>(r[i++]);
    z.zi_candidate_id = opt<std::int64_t>(r[i++]);
    z.soa_serial = opt<std::int64_t>(r[i++]);
    z.use_apex_ns = r[i++].as<bool>();
    z.edit_lock = r[i++].as<bool>();
    z.auto_dnssec = r[i++].as<bool>();
    z.nsec3 = r[i++].as<bool>();
    z.inc_updates = r[i++].as<bool>();
    z.zone_files = r[i++].as<bool>();
    z.lock_state = r[i++].c_str();
    z.edit_lock_token = opt<std::int64_t>(r[i++]);
    z.locked_by = str(r[i++]);
    z.locked_at = opt_time(r[i++]);
    z.sg_id = opt<std::int64_t>(r[i++]);
    z.alt_sg_id = opt<std::int64_t>(r[i++]);
    z.ref_id = opt<std::int64_t>(r[i++]);
    z.deleted_start = opt_time(r[i++]);
    z.ctime = from_epoch_us(r[i++].as<long long>());
    z.mtime = from_epoch_us(r[i++].as<long long>());
    z.sg_name = str(r[i++]);
    z.alt_sg_name = str(r[i++]);
    z.reference = str(r[i++]);
    return z;
}

std::optional<ZoneRecord> first(const pqxx::result& res) {
    if (res.empty()) {
        return std::nullopt;
    }
    return read(res[0]);
}

/// An array literal of `values`, one element per zone: `field` gives an element's
/// text (quoted) or std::nullopt (NULL).
template <typename F>
std::string column_array(const std::vector<ZoneRecord>& zones, F field) {
    ArrayText out;
    for (const auto& z : zones) {
        out.add(std::optional<std::string>(field(z)));
    }
    return out.str();
}

template <typename T>
std::optional<std::string> text_of(const std::optional<T>& v) {
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}
std::optional<std::string> text_of(const std::optional<TimePoint>& v) {
    return v ? std::optional<std::string>(std::to_string(to_epoch_us(*v))) : std::nullopt;
}
std::optional<std::string> text_of(bool v) {
    return std::string(v ? "t" : "f");
}

} // namespace

namespace detail {
std::span<const Statement> zone_statements() {
    return statements;
}
} // namespace detail

namespace zones {

std::optional<ZoneRecord> find_live(Transaction& tx, std::string_view name, bool for_update) {
    return first(work(tx).exec_prepared(for_update ? "zone_find_live_lock" : "zone_find_live",
                                        std::string(name)));
}

std::optional<ZoneRecord> find_by_id(Transaction& tx, std::int64_t id, bool for_update) {
    return first(work(tx).exec_prepared(for_update ? "zone_find_id_lock" : "zone_find_id", id));
}

std::vector<ZoneRecord> list(Transaction& tx, const ZoneFilter& f) {
    auto& w = work(tx);
    const Arg pats(like_array(f.patterns));
    const Arg ref(f.reference ? std::optional<std::string>(like_pattern(*f.reference))
                              : std::nullopt);
    const Arg sg(f.sg_name);
    const char* deleted = f.deleted == ZoneFilter::Deleted::exclude ? "exclude"
                          : f.deleted == ZoneFilter::Deleted::only  ? "only"
                                                                    : "include";
    std::vector<ZoneRecord> out;
    for (const auto& r : w.exec_prepared("zone_list", pats.get(), ref.get(), sg.get(), deleted,
                                         f.exclude_disabled)) {
        out.push_back(read(r));
    }
    return out;
}

std::int64_t insert(Transaction& tx, const ZoneRecord& z) {
    const Arg sg(z.sg_id);
    const Arg alt(z.alt_sg_id);
    const Arg ref(z.ref_id);
    return work(tx)
        .exec_prepared1("zone_insert", z.name, z.state, z.zone_type, z.use_apex_ns, z.edit_lock,
                        z.auto_dnssec, z.nsec3, z.inc_updates, sg.get(), alt.get(), ref.get())[0]
        .as<std::int64_t>();
}

void insert_many(Transaction& tx, std::vector<ZoneRecord>& zones) {
    if (zones.empty()) {
        return;
    }
    ArrayText name, state, type, apex_ns, edit_lock, dnssec, nsec3, inc, sg, alt, ref;
    for (const auto& z : zones) {
        name.add(z.name);
        state.add(z.state);
        type.add(z.zone_type);
        apex_ns.add(z.use_apex_ns);
        edit_lock.add(z.edit_lock);
        dnssec.add(z.auto_dnssec);
        nsec3.add(z.nsec3);
        inc.add(z.inc_updates);
        sg.add(z.sg_id);
        alt.add(z.alt_sg_id);
        ref.add(z.ref_id);
    }
    // RETURNING gives no order: each new row is matched to its zone by name.
    std::unordered_map<std::string, std::int64_t> ids;
    for (const auto& r :
         work(tx).exec_prepared("zone_insert_many", name.str(), state.str(), type.str(),
                                apex_ns.str(), edit_lock.str(), dnssec.str(), nsec3.str(),
                                inc.str(), sg.str(), alt.str(), ref.str())) {
        ids.emplace(r[1].c_str(), r[0].as<std::int64_t>());
    }
    if (ids.size() != zones.size()) {
        throw DatabaseError("zones::insert_many: the zones' names must be distinct");
    }
    for (auto& z : zones) {
        z.id = ids.at(z.name);
    }
}

std::vector<std::string> live_names(Transaction& tx, const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const auto& r : work(tx).exec_prepared("zone_live_names", text_array(names))) {
        out.emplace_back(r[0].c_str());
    }
    return out;
}

void update(Transaction& tx, const ZoneRecord& z) {
    const Arg zi(z.zi_id);
    const Arg cand(z.zi_candidate_id);
    const Arg serial(z.soa_serial);
    const Arg token(z.edit_lock_token);
    const Arg locked_by(z.locked_by.empty() ? std::nullopt
                                            : std::optional<std::string>(z.locked_by));
    const Arg locked_at(z.locked_at);
    const Arg sg(z.sg_id);
    const Arg alt(z.alt_sg_id);
    const Arg ref(z.ref_id);
    const Arg deleted(z.deleted_start);
    work(tx).exec_prepared0("zone_update", z.id, z.state, zi.get(), cand.get(), serial.get(),
                            z.use_apex_ns, z.edit_lock, z.auto_dnssec, z.nsec3, z.inc_updates,
                            z.zone_files, z.lock_state, token.get(), locked_by.get(),
                            locked_at.get(), sg.get(), alt.get(), ref.get(), deleted.get(), z.name);
}

std::vector<ZoneRecord> find_by_ids(Transaction& tx, const std::vector<std::int64_t>& ids) {
    std::vector<ZoneRecord> out;
    for (const auto& r : work(tx).exec_prepared("zone_find_ids", int_array(ids))) {
        out.push_back(read(r));
    }
    return out;
}

void update_many(Transaction& tx, const std::vector<ZoneRecord>& zones) {
    if (zones.empty()) {
        return;
    }
    using Z = ZoneRecord;
    const auto col = [&](auto field) { return column_array(zones, field); };
    const auto text = [](const std::string& s) { return std::optional<std::string>(s); };
    work(tx).exec_prepared0(
        "zone_update_many", col([](const Z& z) { return text_of(std::optional(z.id)); }),
        col([&](const Z& z) { return text(z.state); }),
        col([](const Z& z) { return text_of(z.zi_id); }),
        col([](const Z& z) { return text_of(z.zi_candidate_id); }),
        col([](const Z& z) { return text_of(z.soa_serial); }),
        col([](const Z& z) { return text_of(z.use_apex_ns); }),
        col([](const Z& z) { return text_of(z.edit_lock); }),
        col([](const Z& z) { return text_of(z.auto_dnssec); }),
        col([](const Z& z) { return text_of(z.nsec3); }),
        col([](const Z& z) { return text_of(z.inc_updates); }),
        col([](const Z& z) { return text_of(z.zone_files); }),
        col([&](const Z& z) { return text(z.lock_state); }),
        col([](const Z& z) { return text_of(z.edit_lock_token); }), col([](const Z& z) {
            return z.locked_by.empty() ? std::nullopt : std::optional<std::string>(z.locked_by);
        }),
        col([](const Z& z) { return text_of(z.locked_at); }),
        col([](const Z& z) { return text_of(z.sg_id); }),
        col([](const Z& z) { return text_of(z.alt_sg_id); }),
        col([](const Z& z) { return text_of(z.ref_id); }),
        col([](const Z& z) { return text_of(z.deleted_start); }),
        col([&](const Z& z) { return text(z.name); }));
}

void destroy(Transaction& tx, std::int64_t id) {
    work(tx).exec_prepared0("zone_destroy", id);
}

bool other_live(Transaction& tx, std::string_view name, std::int64_t id) {
    return !work(tx).exec_prepared("zone_other_live", std::string(name), id).empty();
}

bool other_served(Transaction& tx, std::string_view name, std::int64_t id) {
    return !work(tx).exec_prepared("zone_other_served", std::string(name), id).empty();
}

std::optional<ZoneRecord> try_lock(Transaction& tx, std::int64_t id, bool& busy) {
    busy = false;
    const auto r = work(tx).exec_prepared("zone_try_lock", id);
    if (!r.empty()) {
        return read(r[0]);
    }
    busy = !work(tx).exec_prepared("zone_exists", id).empty();
    return std::nullopt;
}

std::vector<RestoreZone> restore_list(Transaction& tx) {
    std::vector<RestoreZone> out;
    for (const auto& r : work(tx).exec_prepared("zone_restore_list")) {
        out.push_back({r[0].as<std::int64_t>(), r[1].c_str(), opt<std::int64_t>(r[2]),
                       r[3].as<bool>(), r[4].as<std::int64_t>(), opt<std::int64_t>(r[5]),
                       opt<std::int64_t>(r[6])});
    }
    return out;
}

void mark_restored(Transaction& tx, const std::vector<Restored>& zones) {
    work(tx).exec_prepared0("zone_mark_restored",
                            int_array(zones, [](const auto& z) { return z.id; }),
                            int_array(zones, [](const auto& z) { return z.zi_id; }),
                            int_array(zones, [](const auto& z) { return z.serial; }));
}

std::vector<ZoneRecord> sample_published(Transaction& tx, std::size_t n) {
    std::vector<ZoneRecord> out;
    for (const auto& r :
         work(tx).exec_prepared("zone_sample_published", static_cast<std::int64_t>(n))) {
        out.push_back(read(r));
    }
    return out;
}

std::vector<MasterConfigZone> master_config(Transaction& tx) {
    std::vector<MasterConfigZone> out;
    const auto rows = work(tx).exec_prepared("zone_master_config");
    out.reserve(rows.size());
    for (const auto& r : rows) {
        MasterConfigZone z;
        z.id = r[0].as<std::int64_t>();
        z.name = r[1].c_str();
        z.state = r[2].c_str();
        z.auto_dnssec = r[3].as<bool>();
        z.sg_id = opt<std::int64_t>(r[4]);
        z.alt_sg_id = opt<std::int64_t>(r[5]);
        z.nsec3 = r[6].as<bool>();
        z.configured = z.state == "INIT" || z.state == "UNCONFIG" || z.state == "BATCH_CREATE_2" ||
                       z.state == "PUBLISHED" || z.state == "UPDATE";
        out.push_back(std::move(z));
    }
    return out;
}

} // namespace zones
} // namespace dms::db
