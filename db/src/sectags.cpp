// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/sectags.hpp"

#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

// clang-format off
constexpr Statement statements[] = {
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

} // namespace

namespace detail {
std::span<const Statement> sectag_statements() {
    return statements;
}
} // namespace detail

namespace sectags {

std::vector<std::string> list(Transaction& tx) {
    std::vector<std::string> out;
    for (const auto& r : work(tx).exec_prepared("sectag_list")) {
        out.emplace_back(r[0].c_str());
    }
    return out;
}

bool exists(Transaction& tx, std::string_view sectag) {
    return !work(tx).exec_prepared("sectag_exists", std::string(sectag)).empty();
}

bool create(Transaction& tx, std::string_view sectag) {
    return !work(tx).exec_prepared("sectag_create", std::string(sectag)).empty();
}

std::int64_t use_count(Transaction& tx, std::string_view sectag) {
    return work(tx).exec_prepared1("sectag_uses", std::string(sectag))[0].as<std::int64_t>();
}

bool remove(Transaction& tx, std::string_view sectag) {
    return work(tx).exec_prepared("sectag_delete", std::string(sectag)).affected_rows() > 0;
}

std::vector<std::string> of_zone(Transaction& tx, std::int64_t zone_id) {
    std::vector<std::string> out;
    for (const auto& r : work(tx).exec_prepared("zone_sectags", zone_id)) {
        out.emplace_back(r[0].c_str());
    }
    return out;
}

bool add_to_zone(Transaction& tx, std::int64_t zone_id, std::string_view sectag) {
    return !work(tx).exec_prepared("zone_sectag_add", zone_id, std::string(sectag)).empty();
}

bool remove_from_zone(Transaction& tx, std::int64_t zone_id, std::string_view sectag) {
    return work(tx)
               .exec_prepared("zone_sectag_delete", zone_id, std::string(sectag))
               .affected_rows() > 0;
}

} // namespace sectags
} // namespace dms::db
