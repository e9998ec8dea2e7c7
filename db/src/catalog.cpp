// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/catalog.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

// clang-format off
constexpr Statement statements[] = {
    {"sg_find", "SELECT id, name, coalesce(config_dir, ''), zone_count,"
                " coalesce(host(master_address), ''), coalesce(host(master_alt_address), '')"
                " FROM server_groups WHERE name = $1"},
    {"sg_find_id", "SELECT id, name, coalesce(config_dir, ''), zone_count,"
                   " coalesce(host(master_address), ''), coalesce(host(master_alt_address), '')"
                   " FROM server_groups WHERE id = $1"},
    {"sg_list", "SELECT id, name, coalesce(config_dir, ''), zone_count,"
                " coalesce(host(master_address), ''), coalesce(host(master_alt_address), '')"
                " FROM server_groups ORDER BY name"},
    {"server_addresses", "SELECT id, sg_id, name, host(address), dns_port, state, rndc_port"
                         " FROM sm_servers ORDER BY name"},
    {"cfg_values", "SELECT DISTINCT ON (key) key, value FROM zone_cfg WHERE key <> 'apex_ns'"
                   " AND (sg_id = $1 OR sg_id IS NULL) ORDER BY key, sg_id NULLS LAST"},
    {"cfg_get", "SELECT value FROM zone_cfg WHERE key = $1 AND (sg_id = $2 OR sg_id IS NULL)"
                " ORDER BY sg_id NULLS LAST LIMIT 1"},
    {"cfg_apex_ns", "SELECT value FROM zone_cfg WHERE key = 'apex_ns' AND sg_id IS NOT DISTINCT"
                    " FROM $1::bigint ORDER BY id"},
    {"cfg_list", "SELECT c.key, c.value, coalesce(sg.name, '') FROM zone_cfg c"
                 " LEFT JOIN server_groups sg ON sg.id = c.sg_id"
                 " ORDER BY c.key, sg.name NULLS FIRST, c.id"},
    {"cfg_delete", "DELETE FROM zone_cfg WHERE key = $1 AND sg_id IS NOT DISTINCT FROM $2::bigint"},
    {"cfg_insert", "INSERT INTO zone_cfg (key, value, sg_id) VALUES ($1, $2, $3)"},
    {"ref_find", "SELECT r.id, r.reference, (SELECT count(*) FROM sm_zone z WHERE z.ref_id = r.id)"
                 " FROM reference r WHERE lower(r.reference) = lower($1)"},
    {"ref_create", "INSERT INTO reference (reference) VALUES ($1) ON CONFLICT DO NOTHING"
                   " RETURNING id"},
    {"ref_list", "SELECT r.id, r.reference, (SELECT count(*) FROM sm_zone z WHERE z.ref_id = r.id)"
                 " FROM reference r WHERE $1::text[] IS NULL"
                 " OR lower(r.reference) LIKE ANY (SELECT lower(p) FROM unnest($1::text[]) p)"
                 " ORDER BY lower(r.reference)"},
    {"ref_delete", "DELETE FROM reference WHERE id = $1"},
    {"ref_rename", "UPDATE reference SET reference = $2 WHERE id = $1"},
    {"sectag_list", "SELECT sectag FROM zone_sectags WHERE zone_id IS NULL ORDER BY sectag"},
    {"sectag_exists", "SELECT 1 FROM zone_sectags WHERE zone_id IS NULL AND sectag = $1"},
    {"sectag_create", "INSERT INTO zone_sectags (sectag) VALUES ($1) ON CONFLICT DO NOTHING"
                      " RETURNING id"},
    {"sectag_uses", "SELECT count(*) FROM zone_sectags WHERE zone_id IS NOT NULL AND sectag = $1"},
    {"sectag_delete", "DELETE FROM zone_sectags WHERE zone_id IS NULL AND sectag = $1"},
    {"zone_sectags", "SELECT sectag FROM zone_sectags WHERE zone_id = $1 ORDER BY sectag"},
    {"zone_sectag_add", "INSERT INTO zone_sectags (zone_id, sectag) VALUES ($1, $2)"
                        " ON CONFLICT DO NOTHING RETURNING id"},
    {"zone_sectag_delete", "DELETE FROM zone_sectags WHERE zone_id = $1 AND sectag = $2"},
};
// clang-format on

SgRecord read_sg(const pqxx::row& r) {
    return {r[0].as<std::int64_t>(), r[1].c_str(), r[2].c_str(),
            r[3].as<std::int64_t>(), r[4].c_str(), r[5].c_str()};
}

ReferenceRecord read_ref(const pqxx::row& r) {
    return {r[0].as<std::int64_t>(), r[1].c_str(), r[2].as<std::int64_t>()};
}

} // namespace

namespace detail {
std::span<const Statement> catalog_statements() {
    return statements;
}
} // namespace detail

namespace catalog {

std::vector<ServerAddress> server_addresses(Transaction& tx) {
    std::vector<ServerAddress> out;
    for (const auto& r : work(tx).exec_prepared("server_addresses")) {
        out.push_back({r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].c_str(), r[3].c_str(),
                       r[4].as<int>(), r[5].c_str(), r[6].as<int>()});
    }
    return out;
}

std::optional<SgRecord> find_sg(Transaction& tx, std::string_view name) {
    const auto r = work(tx).exec_prepared("sg_find", std::string(name));
    return r.empty() ? std::nullopt : std::optional<SgRecord>(read_sg(r[0]));
}

std::optional<SgRecord> find_sg_by_id(Transaction& tx, std::int64_t id) {
    const auto r = work(tx).exec_prepared("sg_find_id", id);
    return r.empty() ? std::nullopt : std::optional<SgRecord>(read_sg(r[0]));
}

std::vector<SgRecord> list_sgs(Transaction& tx) {
    std::vector<SgRecord> out;
    for (const auto& r : work(tx).exec_prepared("sg_list")) {
        out.push_back(read_sg(r));
    }
    return out;
}

std::optional<std::string> zone_cfg(Transaction& tx, std::string_view key,
                                    std::optional<std::int64_t> sg_id) {
    const Arg sg(sg_id);
    const auto r = work(tx).exec_prepared("cfg_get", std::string(key), sg.get());
    return r.empty() ? std::nullopt : std::optional<std::string>(r[0][0].c_str());
}

std::map<std::string, std::string, std::less<>> zone_cfg_values(Transaction& tx,
                                                                std::optional<std::int64_t> sg_id) {
    std::map<std::string, std::string, std::less<>> out;
    const Arg sg(sg_id);
    for (const auto& r : work(tx).exec_prepared("cfg_values", sg.get())) {
        out.emplace(r[0].c_str(), r[1].c_str());
    }
    return out;
}

std::vector<std::string> apex_ns(Transaction& tx, std::optional<std::int64_t> sg_id) {
    std::vector<std::string> out;
    auto& w = work(tx);
    if (sg_id) {
        for (const auto& r : w.exec_prepared("cfg_apex_ns", *sg_id)) {
            out.emplace_back(r[0].c_str());
        }
    }
    if (out.empty()) {
        const char* null = nullptr;
        for (const auto& r : w.exec_prepared("cfg_apex_ns", null)) {
            out.emplace_back(r[0].c_str());
        }
    }
    return out;
}

std::vector<ZoneCfgRow> list_zone_cfg(Transaction& tx) {
    std::vector<ZoneCfgRow> out;
    for (const auto& r : work(tx).exec_prepared("cfg_list")) {
        out.push_back({r[0].c_str(), r[1].c_str(), r[2].c_str()});
    }
    return out;
}

void set_zone_cfg(Transaction& tx, std::string_view key, std::string_view value,
                  std::optional<std::int64_t> sg_id) {
    const Arg sg(sg_id);
    auto& w = work(tx);
    w.exec_prepared0("cfg_delete", std::string(key), sg.get());
    w.exec_prepared0("cfg_insert", std::string(key), std::string(value), sg.get());
}

void replace_apex_ns(Transaction& tx, std::optional<std::int64_t> sg_id,
                     const std::vector<std::string>& names) {
    const Arg sg(sg_id);
    auto& w = work(tx);
    w.exec_prepared0("cfg_delete", std::string("apex_ns"), sg.get());
    for (const auto& n : names) {
        w.exec_prepared0("cfg_insert", std::string("apex_ns"), n, sg.get());
    }
}

std::optional<ReferenceRecord> find_reference(Transaction& tx, std::string_view reference) {
    const auto r = work(tx).exec_prepared("ref_find", std::string(reference));
    return r.empty() ? std::nullopt : std::optional<ReferenceRecord>(read_ref(r[0]));
}

std::int64_t ensure_reference(Transaction& tx, std::string_view reference) {
    if (auto r = find_reference(tx, reference)) {
        return r->id;
    }
    work(tx).exec_prepared("ref_create", std::string(reference));
    return find_reference(tx, reference)->id;
}

std::vector<ReferenceRecord> list_references(Transaction& tx,
                                             const std::vector<std::string>& patterns) {
    const Arg pats(like_array(patterns));
    std::vector<ReferenceRecord> out;
    for (const auto& r : work(tx).exec_prepared("ref_list", pats.get())) {
        out.push_back(read_ref(r));
    }
    return out;
}

bool create_reference(Transaction& tx, std::string_view reference) {
    if (find_reference(tx, reference)) {
        return false;
    }
    return !work(tx).exec_prepared("ref_create", std::string(reference)).empty();
}

bool delete_reference(Transaction& tx, std::int64_t id) {
    return work(tx).exec_prepared("ref_delete", id).affected_rows() > 0;
}

void rename_reference(Transaction& tx, std::int64_t id, std::string_view new_name) {
    work(tx).exec_prepared0("ref_rename", id, std::string(new_name));
}

std::vector<std::string> list_sectags(Transaction& tx) {
    std::vector<std::string> out;
    for (const auto& r : work(tx).exec_prepared("sectag_list")) {
        out.emplace_back(r[0].c_str());
    }
    return out;
}

bool sectag_exists(Transaction& tx, std::string_view sectag) {
    return !work(tx).exec_prepared("sectag_exists", std::string(sectag)).empty();
}

bool create_sectag(Transaction& tx, std::string_view sectag) {
    return !work(tx).exec_prepared("sectag_create", std::string(sectag)).empty();
}

std::int64_t sectag_use_count(Transaction& tx, std::string_view sectag) {
    return work(tx).exec_prepared1("sectag_uses", std::string(sectag))[0].as<std::int64_t>();
}

bool delete_sectag(Transaction& tx, std::string_view sectag) {
    return work(tx).exec_prepared("sectag_delete", std::string(sectag)).affected_rows() > 0;
}

std::vector<std::string> zone_sectags(Transaction& tx, std::int64_t zone_id) {
    std::vector<std::string> out;
    for (const auto& r : work(tx).exec_prepared("zone_sectags", zone_id)) {
        out.emplace_back(r[0].c_str());
    }
    return out;
}

bool add_zone_sectag(Transaction& tx, std::int64_t zone_id, std::string_view sectag) {
    return !work(tx).exec_prepared("zone_sectag_add", zone_id, std::string(sectag)).empty();
}

bool delete_zone_sectag(Transaction& tx, std::int64_t zone_id, std::string_view sectag) {
    return work(tx)
               .exec_prepared("zone_sectag_delete", zone_id, std::string(sectag))
               .affected_rows() > 0;
}

} // namespace catalog
} // namespace dms::db
