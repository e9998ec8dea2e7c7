// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/apex_ns.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

// clang-format off
constexpr Statement statements[] = {
    {"apex_ns_list", "SELECT value FROM zone_cfg WHERE key = 'apex_ns' AND sg_id IS NOT DISTINCT"
                     " FROM $1::bigint ORDER BY id"},
    {"apex_ns_delete", "DELETE FROM zone_cfg WHERE key = 'apex_ns'"
                       " AND sg_id IS NOT DISTINCT FROM $1::bigint"},
    {"apex_ns_insert", "INSERT INTO zone_cfg (key, value, sg_id) VALUES ('apex_ns', $1, $2)"},
};
// clang-format on

} // namespace

namespace detail {
std::span<const Statement> apex_ns_statements() {
    return statements;
}
} // namespace detail

namespace apex_ns {

std::vector<std::string> list(Transaction& tx, std::optional<std::int64_t> sg_id) {
    std::vector<std::string> out;
    auto& w = work(tx);
    if (sg_id) {
        for (const auto& r : w.exec_prepared("apex_ns_list", *sg_id)) {
            out.emplace_back(r[0].c_str());
        }
    }
    if (out.empty()) {
        const char* null = nullptr;
        for (const auto& r : w.exec_prepared("apex_ns_list", null)) {
            out.emplace_back(r[0].c_str());
        }
    }
    return out;
}

void replace(Transaction& tx, std::optional<std::int64_t> sg_id,
             const std::vector<std::string>& names) {
    const Arg sg(sg_id);
    auto& w = work(tx);
    w.exec_prepared0("apex_ns_delete", sg.get());
    for (const auto& n : names) {
        w.exec_prepared0("apex_ns_insert", n, sg.get());
    }
}

} // namespace apex_ns
} // namespace dms::db
