// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/sgs.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

#define DMS_SG_COLUMNS                                                                             \
    "id, name, coalesce(config_dir, ''), zone_count, coalesce(host(master_address), ''),"          \
    " coalesce(host(master_alt_address), '')"

// clang-format off
constexpr Statement statements[] = {
    {"sg_find", "SELECT " DMS_SG_COLUMNS " FROM server_groups WHERE name = $1"},
    {"sg_find_id", "SELECT " DMS_SG_COLUMNS " FROM server_groups WHERE id = $1"},
    {"sg_list", "SELECT " DMS_SG_COLUMNS " FROM server_groups ORDER BY name"},
    {"sg_lock", "SELECT " DMS_SG_COLUMNS " FROM server_groups WHERE name = $1 FOR NO KEY UPDATE"},
    {"sg_insert",
     "INSERT INTO server_groups (name, config_dir, master_address, master_alt_address)"
     " VALUES ($1, $2, $3::inet, $4::inet) ON CONFLICT (name) DO NOTHING RETURNING id"},
    {"sg_update",
     "UPDATE server_groups SET name = $2, config_dir = $3, master_address = $4::inet,"
     " master_alt_address = $5::inet WHERE id = $1"},
    {"sg_delete", "DELETE FROM server_groups WHERE id = $1"},
    {"sg_usage",
     "SELECT (SELECT count(*) FROM sm_zone WHERE sg_id = $1),"
     " (SELECT count(*) FROM sm_zone WHERE sg_id = $1 AND state = 'DELETED'),"
     " (SELECT count(*) FROM sm_zone WHERE alt_sg_id = $1),"
     " (SELECT count(*) FROM sm_servers WHERE sg_id = $1)"},
    {"sg_replica",
     "SELECT " DMS_SG_COLUMNS " FROM server_groups"
     " WHERE id = (SELECT replica_sg_id FROM sm_master WHERE id = 1)"},
    {"sg_set_replica", "UPDATE sm_master SET replica_sg_id = $1 WHERE id = 1"},
    {"sg_published_zones",
     "SELECT id FROM sm_zone WHERE state = 'PUBLISHED'"
     " AND ($1::bigint IS NULL OR sg_id = $1::bigint) ORDER BY name"},
    {"sg_rename_default",
     "UPDATE zone_cfg SET value = $2 WHERE key = 'default_sg' AND value = $1"},
    {"sg_is_default", "SELECT 1 FROM zone_cfg WHERE key = 'default_sg' AND value = $1"},
};
// clang-format on

SgRecord read_sg(const pqxx::row& r) {
    return {r[0].as<std::int64_t>(), r[1].c_str(), r[2].c_str(),
            r[3].as<std::int64_t>(), r[4].c_str(), r[5].c_str()};
}

std::optional<SgRecord> first(const pqxx::result& res) {
    return res.empty() ? std::nullopt : std::optional<SgRecord>(read_sg(res[0]));
}

/// "" is NULL for the optional text and inet columns.
std::optional<std::string> or_null(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

} // namespace

namespace detail {
std::span<const Statement> sg_statements() {
    return statements;
}
} // namespace detail

namespace sgs {

std::optional<SgRecord> find(Transaction& tx, std::string_view name) {
    return first(work(tx).exec_prepared("sg_find", std::string(name)));
}

std::optional<SgRecord> find_by_id(Transaction& tx, std::int64_t id) {
    return first(work(tx).exec_prepared("sg_find_id", id));
}

std::vector<SgRecord> list(Transaction& tx) {
    std::vector<SgRecord> out;
    for (const auto& r : work(tx).exec_prepared("sg_list")) {
        out.push_back(read_sg(r));
    }
    return out;
}

std::optional<SgRecord> lock(Transaction& tx, std::string_view name) {
    return first(work(tx).exec_prepared("sg_lock", std::string(name)));
}

std::optional<std::int64_t> insert(Transaction& tx, const SgRecord& sg) {
    const Arg dir(or_null(sg.config_dir));
    const Arg addr(or_null(sg.master_address));
    const Arg alt(or_null(sg.master_alt_address));
    const auto r = work(tx).exec_prepared("sg_insert", sg.name, dir.get(), addr.get(), alt.get());
    return r.empty() ? std::nullopt : std::optional<std::int64_t>(r[0][0].as<std::int64_t>());
}

void update(Transaction& tx, const SgRecord& sg) {
    const Arg dir(or_null(sg.config_dir));
    const Arg addr(or_null(sg.master_address));
    const Arg alt(or_null(sg.master_alt_address));
    work(tx).exec_prepared0("sg_update", sg.id, sg.name, dir.get(), addr.get(), alt.get());
}

void remove(Transaction& tx, std::int64_t id) {
    work(tx).exec_prepared0("sg_delete", id);
}

SgUsage usage(Transaction& tx, std::int64_t id) {
    const auto r = work(tx).exec_prepared1("sg_usage", id);
    return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
            r[3].as<std::int64_t>()};
}

std::optional<SgRecord> replica(Transaction& tx) {
    return first(work(tx).exec_prepared("sg_replica"));
}

void set_replica(Transaction& tx, std::optional<std::int64_t> id) {
    const Arg sg(id);
    work(tx).exec_prepared0("sg_set_replica", sg.get());
}

std::vector<std::int64_t> published_zones(Transaction& tx, std::optional<std::int64_t> sg_id) {
    const Arg sg(sg_id);
    std::vector<std::int64_t> out;
    for (const auto& r : work(tx).exec_prepared("sg_published_zones", sg.get())) {
        out.push_back(r[0].as<std::int64_t>());
    }
    return out;
}

std::size_t rename_default_sg(Transaction& tx, std::string_view old_name,
                              std::string_view new_name) {
    return work(tx)
        .exec_prepared("sg_rename_default", std::string(old_name), std::string(new_name))
        .affected_rows();
}

bool is_default_sg(Transaction& tx, std::string_view name) {
    return !work(tx).exec_prepared("sg_is_default", std::string(name)).empty();
}

} // namespace sgs
} // namespace dms::db
