// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/zone_cfg.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

// clang-format off
constexpr Statement statements[] = {
    {"cfg_values", "SELECT DISTINCT ON (key) key, value FROM zone_cfg WHERE key <> 'apex_ns'"
                   " AND (sg_id = $1 OR sg_id IS NULL) ORDER BY key, sg_id NULLS LAST"},
    {"cfg_get", "SELECT value FROM zone_cfg WHERE key = $1 AND (sg_id = $2 OR sg_id IS NULL)"
                " ORDER BY sg_id NULLS LAST LIMIT 1"},
    {"cfg_list", "SELECT c.key, c.value, coalesce(sg.name, '') FROM zone_cfg c"
                 " LEFT JOIN server_groups sg ON sg.id = c.sg_id"
                 " ORDER BY c.key, sg.name NULLS FIRST, c.id"},
    {"cfg_delete", "DELETE FROM zone_cfg WHERE key = $1 AND sg_id IS NOT DISTINCT FROM $2::bigint"},
    {"cfg_insert", "INSERT INTO zone_cfg (key, value, sg_id) VALUES ($1, $2, $3)"},
};
// clang-format on

} // namespace

namespace detail {
std::span<const Statement> zone_cfg_statements() {
    return statements;
}
} // namespace detail

namespace zone_cfg {

std::optional<std::string> value(Transaction& tx, std::string_view key,
                                 std::optional<std::int64_t> sg_id) {
    const Arg sg(sg_id);
    const auto r = work(tx).exec_prepared("cfg_get", std::string(key), sg.get());
    return r.empty() ? std::nullopt : std::optional<std::string>(r[0][0].c_str());
}

std::map<std::string, std::string, std::less<>> values(Transaction& tx,
                                                       std::optional<std::int64_t> sg_id) {
    std::map<std::string, std::string, std::less<>> out;
    const Arg sg(sg_id);
    for (const auto& r : work(tx).exec_prepared("cfg_values", sg.get())) {
        out.emplace(r[0].c_str(), r[1].c_str());
    }
    return out;
}

std::vector<ZoneCfgRow> list(Transaction& tx) {
    std::vector<ZoneCfgRow> out;
    for (const auto& r : work(tx).exec_prepared("cfg_list")) {
        out.push_back({r[0].c_str(), r[1].c_str(), r[2].c_str()});
    }
    return out;
}

void set(Transaction& tx, std::string_view key, std::string_view value,
         std::optional<std::int64_t> sg_id) {
    const Arg sg(sg_id);
    auto& w = work(tx);
    w.exec_prepared0("cfg_delete", std::string(key), sg.get());
    w.exec_prepared0("cfg_insert", std::string(key), std::string(value), sg.get());
}

} // namespace zone_cfg
} // namespace dms::db
