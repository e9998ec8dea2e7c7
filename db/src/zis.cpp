// SPDX-License-Identifier: GPL-3.0-or-later
// The zis repository: ZI rows and the queries on them. The content of new ZIs
// (comments, records) is written by the bulk writer of zi_writer.cpp.
#include "dms/db/zis.hpp"

#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "dms/core/error.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"
#include "zi_writer.hpp"

namespace dms::db {
namespace {

using namespace detail;

// clang-format off
constexpr Statement statements[] = {
    {"zi_insert",
     "INSERT INTO zone_instances (zone_id, change_by, soa_serial, soa_mname, soa_rname,"
     " soa_refresh, soa_retry, soa_expire, soa_minimum, soa_ttl, zone_ttl, ctime, mtime)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
     " coalesce(to_timestamp($12::bigint / 1000000.0), now()),"
     " coalesce(to_timestamp($13::bigint / 1000000.0), now())) RETURNING id"},
    {"zi_set_apex_comment", "UPDATE zone_instances SET apex_comment_group_id = $2, mtime = mtime"
                            " WHERE id = $1"},
    {"zi_insert_many",
     "INSERT INTO zone_instances (zone_id, change_by, soa_serial, soa_mname, soa_rname,"
     " soa_refresh, soa_retry, soa_expire, soa_minimum, soa_ttl, zone_ttl)"
     " SELECT v.z, $2, v.serial, v.mname, v.rname, v.refresh, v.retry, v.expire, v.minimum,"
     " v.ttl, v.zone_ttl FROM unnest($1::bigint[], $3::bigint[], $4::text[], $5::text[],"
     " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])"
     " AS v (z, serial, mname, rname, refresh, retry, expire, minimum, ttl, zone_ttl)"
     " RETURNING id, zone_id"},
    {"zi_set_apex_comment_many",
     "UPDATE zone_instances z SET apex_comment_group_id = v.c, mtime = z.mtime"
     " FROM unnest($1::bigint[], $2::bigint[]) AS v (id, c) WHERE z.id = v.id"},
    {"zi_comment_ids", "SELECT nextval('rr_comments_id_seq') FROM generate_series(1, $1)"},
    // Small ZIs: one prepared INSERT from arrays instead of a COPY (a COPY costs a parse
    // and an executor start-up per statement, most of a ten-record zone's time).
    {"zi_insert_comments",
     "INSERT INTO rr_comments (id, comment, tag, zi_id)"
     " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])"},
    {"zi_insert_records",
     "INSERT INTO resource_records (zi_id, label, type, ttl, rdata, comment_group_id,"
     " comment_rr_id, lock_ptr, disable, track_reverse, ref_id)"
     " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],"
     " $6::bigint[], $7::bigint[], $8::boolean[], $9::boolean[], $10::boolean[],"
     " $11::bigint[])"},
    {"zi_reference_create",
     "INSERT INTO reference (reference) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING"},
    {"zi_reference_ids",
     "SELECT id, lower(reference) FROM reference WHERE lower(reference) = ANY ($1::text[])"},
    {"zi_header",
     "SELECT z.id, z.zone_id, (extract(epoch from z.ctime) * 1000000)::bigint,"
     " (extract(epoch from z.mtime) * 1000000)::bigint,"
     " (extract(epoch from z.ptime) * 1000000)::bigint, coalesce(z.change_by, ''),"
     " z.soa_serial, z.soa_mname, z.soa_rname, z.soa_refresh, z.soa_retry, z.soa_expire,"
     " z.soa_minimum, z.soa_ttl, z.zone_ttl, c.comment, c.tag"
     " FROM zone_instances z LEFT JOIN rr_comments c ON c.id = z.apex_comment_group_id"
     " WHERE z.id = $1"},
    {"zi_header_many",
     "SELECT z.id, z.zone_id, (extract(epoch from z.ctime) * 1000000)::bigint,"
     " (extract(epoch from z.mtime) * 1000000)::bigint,"
     " (extract(epoch from z.ptime) * 1000000)::bigint, coalesce(z.change_by, ''),"
     " z.soa_serial, z.soa_mname, z.soa_rname, z.soa_refresh, z.soa_retry, z.soa_expire,"
     " z.soa_minimum, z.soa_ttl, z.zone_ttl, c.comment, c.tag"
     " FROM zone_instances z LEFT JOIN rr_comments c ON c.id = z.apex_comment_group_id"
     " WHERE z.id = ANY ($1::bigint[])"},
    {"zi_published_many",
     "UPDATE zone_instances z SET ptime = now(), soa_serial = v.serial, mtime = z.mtime"
     " FROM unnest($1::bigint[], $2::bigint[]) AS v (id, serial) WHERE z.id = v.id"},
    {"zi_records",
     "SELECT r.label, r.type, r.ttl, r.rdata, r.lock_ptr, r.disable, r.track_reverse,"
     " ref.reference, r.comment_group_id, cg.comment, cg.tag, cr.comment, r.zi_id"
     " FROM resource_records r"
     " LEFT JOIN rr_comments cg ON cg.id = r.comment_group_id"
     " LEFT JOIN rr_comments cr ON cr.id = r.comment_rr_id"
     " LEFT JOIN reference ref ON ref.id = r.ref_id"
     " WHERE r.zi_id = $1"},
    {"zi_records_many",
     "SELECT r.label, r.type, r.ttl, r.rdata, r.lock_ptr, r.disable, r.track_reverse,"
     " ref.reference, r.comment_group_id, cg.comment, cg.tag, cr.comment, r.zi_id"
     " FROM resource_records r"
     " LEFT JOIN rr_comments cg ON cg.id = r.comment_group_id"
     " LEFT JOIN rr_comments cr ON cr.id = r.comment_rr_id"
     " LEFT JOIN reference ref ON ref.id = r.ref_id"
     " WHERE r.zi_id = ANY ($1::bigint[])"},
    {"zi_list",
     "SELECT z.id, z.zone_id, (extract(epoch from z.ctime) * 1000000)::bigint,"
     " (extract(epoch from z.mtime) * 1000000)::bigint,"
     " (extract(epoch from z.ptime) * 1000000)::bigint, coalesce(z.change_by, ''),"
     " z.soa_serial, (SELECT count(*) FROM resource_records r WHERE r.zi_id = z.id)"
     " FROM zone_instances z WHERE z.zone_id = $1 ORDER BY z.ctime DESC, z.id DESC"},
    {"zi_delete", "DELETE FROM zone_instances WHERE id = $1 AND zone_id = $2"},
    {"zi_published", "UPDATE zone_instances SET ptime = now() WHERE id = $1"},
    {"zi_published_serial",
     "UPDATE zone_instances SET ptime = now(), soa_serial = $2, mtime = mtime WHERE id = $1"},
};
// clang-format on

/// The first seven columns of zi_header and zi_list.
ZiRecord read_header(const pqxx::row& r) {
    ZiRecord h;
    h.id = r[0].as<std::int64_t>();
    h.zone_id = r[1].as<std::int64_t>();
    h.ctime = from_epoch_us(r[2].as<long long>());
    h.mtime = from_epoch_us(r[3].as<long long>());
    h.ptime = opt_time(r[4]);
    h.change_by = r[5].c_str();
    h.soa_serial = static_cast<std::uint32_t>(r[6].as<std::int64_t>());
    return h;
}

/// Builds a ZoneData from a zi_header row and its zi_records rows.
struct ZiBuilder {
    ZoneData zone;
    std::unordered_map<std::int64_t, std::size_t> group_of; // comment id -> group index
    std::optional<std::size_t> default_group;

    explicit ZiBuilder(const pqxx::row& h) {
        zone.has_soa = true;
        zone.soa.serial = static_cast<std::uint32_t>(h[6].as<std::int64_t>());
        zone.soa.mname = h[7].c_str();
        zone.soa.rname = h[8].c_str();
        zone.soa.refresh = h[9].c_str();
        zone.soa.retry = h[10].c_str();
        zone.soa.expire = h[11].c_str();
        zone.soa.minimum = h[12].c_str();
        zone.soa.ttl = opt<std::string>(h[13]);
        zone.zone_ttl = h[14].c_str();
        if (!h[15].is_null()) {
            zone.groups.push_back({h[15].c_str(), str(h[16]), {}});
        }
    }

    void add(const pqxx::row& r) {
        std::size_t gi = 0;
        if (r[8].is_null()) {
            if (!default_group) {
                default_group = zone.groups.size();
                zone.groups.push_back({});
            }
            gi = *default_group;
        } else {
            const auto cid = r[8].as<std::int64_t>();
            auto it = group_of.find(cid);
            if (it == group_of.end()) {
                const std::string tag = str(r[10]);
                // The apex group was created from the ZI header already.
                std::size_t idx = zone.groups.size();
                if (tag == apex_rr_tag && !zone.groups.empty() &&
                    zone.groups[0].tag == apex_rr_tag) {
                    idx = 0;
                } else {
                    zone.groups.push_back({str(r[9]), tag, {}});
                }
                it = group_of.emplace(cid, idx).first;
            }
            gi = it->second;
        }
        Rr rr;
        rr.label = r[0].c_str();
        rr.type = r[1].c_str();
        rr.ttl = opt<std::string>(r[2]);
        rr.rdata = r[3].c_str();
        rr.lock_ptr = r[4].as<bool>();
        rr.disable = r[5].as<bool>();
        rr.track_reverse = r[6].as<bool>();
        rr.reference = str(r[7]);
        rr.comment = str(r[11]);
        zone.groups[gi].rrs.push_back(std::move(rr));
    }
};

} // namespace

namespace detail {
std::span<const Statement> zi_statements() {
    return statements;
}
} // namespace detail

namespace zis {

std::int64_t insert(Transaction& tx, std::int64_t zone_id, const ZoneData& zone,
                    const InsertOptions& opt) {
    auto& w = work(tx);
    const auto& s = zone.soa;
    const Arg soa_ttl(s.ttl);
    const Arg ctime(opt.ctime);
    const Arg mtime(opt.mtime);
    const auto zi_id =
        w.exec_prepared1("zi_insert", zone_id, opt.change_by, static_cast<std::int64_t>(s.serial),
                         s.mname, s.rname, s.refresh, s.retry, s.expire, s.minimum, soa_ttl.get(),
                         zone.zone_ttl, ctime.get(), mtime.get())[0]
            .as<std::int64_t>();
    write_zi_content(w, {{zi_id, &zone}});
    return zi_id;
}

std::vector<std::int64_t> insert_many(Transaction& tx, const std::vector<NewZi>& items,
                                      std::string_view change_by) {
    std::vector<std::int64_t> ids;
    if (items.empty()) {
        return ids;
    }
    ArrayText zone_id, serial, mname, rname, refresh, retry, expire, minimum, ttl, zone_ttl;
    for (const auto& item : items) {
        const auto& s = item.zone->soa;
        zone_id.add(item.zone_id);
        serial.add(static_cast<std::int64_t>(s.serial));
        mname.add(s.mname);
        rname.add(s.rname);
        refresh.add(s.refresh);
        retry.add(s.retry);
        expire.add(s.expire);
        minimum.add(s.minimum);
        ttl.add(s.ttl);
        zone_ttl.add(item.zone->zone_ttl);
    }
    auto& w = work(tx);
    // RETURNING gives no order: each new ZI is matched to its item by zone.
    std::unordered_map<std::int64_t, std::int64_t> by_zone;
    for (const auto& r :
         w.exec_prepared("zi_insert_many", zone_id.str(), std::string(change_by), serial.str(),
                         mname.str(), rname.str(), refresh.str(), retry.str(), expire.str(),
                         minimum.str(), ttl.str(), zone_ttl.str())) {
        by_zone.emplace(r[1].as<std::int64_t>(), r[0].as<std::int64_t>());
    }
    if (by_zone.size() != items.size()) {
        throw DatabaseError("zis::insert_many: one new ZI per zone expected");
    }
    std::vector<ZiContent> content;
    for (const auto& item : items) {
        ids.push_back(by_zone.at(item.zone_id));
        content.push_back({ids.back(), item.zone});
    }
    write_zi_content(w, content);
    return ids;
}

std::optional<ZiRecord> find(Transaction& tx, std::int64_t zi_id) {
    const auto res = work(tx).exec_prepared("zi_header", zi_id);
    if (res.empty()) {
        return std::nullopt;
    }
    return read_header(res[0]);
}

std::optional<ZoneData> load(Transaction& tx, std::int64_t zi_id, ZiRecord* header) {
    auto& w = work(tx);
    const auto hres = w.exec_prepared("zi_header", zi_id);
    if (hres.empty()) {
        return std::nullopt;
    }
    if (header != nullptr) {
        *header = read_header(hres[0]);
    }
    ZiBuilder b(hres[0]);
    for (const auto& r : w.exec_prepared("zi_records", zi_id)) {
        b.add(r);
    }
    return std::move(b.zone);
}

std::map<std::int64_t, ZoneData> load_many(Transaction& tx, const std::vector<std::int64_t>& ids) {
    auto& w = work(tx);
    const auto array = int_array(ids);
    std::map<std::int64_t, ZiBuilder> builders;
    for (const auto& h : w.exec_prepared("zi_header_many", array)) {
        builders.emplace(h[0].as<std::int64_t>(), ZiBuilder(h));
    }
    for (const auto& r : w.exec_prepared("zi_records_many", array)) {
        if (auto it = builders.find(r[12].as<std::int64_t>()); it != builders.end()) {
            it->second.add(r);
        }
    }
    std::map<std::int64_t, ZoneData> out;
    for (auto& [id, b] : builders) {
        out.emplace(id, std::move(b.zone));
    }
    return out;
}

std::vector<ZiRecord> list(Transaction& tx, std::int64_t zone_id) {
    std::vector<ZiRecord> out;
    for (const auto& r : work(tx).exec_prepared("zi_list", zone_id)) {
        ZiRecord h = read_header(r);
        h.rr_count = r[7].as<std::size_t>() + 1;
        out.push_back(std::move(h));
    }
    return out;
}

bool remove(Transaction& tx, std::int64_t zone_id, std::int64_t zi_id) {
    return work(tx).exec_prepared("zi_delete", zi_id, zone_id).affected_rows() > 0;
}

void mark_published(Transaction& tx, std::int64_t zi_id) {
    work(tx).exec_prepared0("zi_published", zi_id);
}

void mark_published(Transaction& tx,
                    const std::vector<std::pair<std::int64_t, std::uint32_t>>& zis) {
    work(tx).exec_prepared0("zi_published_many",
                            int_array(zis, [](const auto& z) { return z.first; }),
                            int_array(zis, [](const auto& z) { return z.second; }));
}

void mark_published(Transaction& tx, std::int64_t zi_id, std::uint32_t serial) {
    work(tx).exec_prepared0("zi_published_serial", zi_id, static_cast<std::int64_t>(serial));
}

} // namespace zis
} // namespace dms::db
