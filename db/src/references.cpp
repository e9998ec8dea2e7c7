// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/references.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

// clang-format off
constexpr Statement statements[] = {
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
};
// clang-format on

ReferenceRecord read_ref(const pqxx::row& r) {
    return {r[0].as<std::int64_t>(), r[1].c_str(), r[2].as<std::int64_t>()};
}

} // namespace

namespace detail {
std::span<const Statement> reference_statements() {
    return statements;
}
} // namespace detail

namespace references {

std::optional<ReferenceRecord> find(Transaction& tx, std::string_view reference) {
    const auto r = work(tx).exec_prepared("ref_find", std::string(reference));
    return r.empty() ? std::nullopt : std::optional<ReferenceRecord>(read_ref(r[0]));
}

std::int64_t ensure(Transaction& tx, std::string_view reference) {
    if (auto r = find(tx, reference)) {
        return r->id;
    }
    work(tx).exec_prepared("ref_create", std::string(reference));
    return find(tx, reference)->id;
}

std::vector<ReferenceRecord> list(Transaction& tx, const std::vector<std::string>& patterns) {
    const Arg pats(like_array(patterns));
    std::vector<ReferenceRecord> out;
    for (const auto& r : work(tx).exec_prepared("ref_list", pats.get())) {
        out.push_back(read_ref(r));
    }
    return out;
}

bool create(Transaction& tx, std::string_view reference) {
    if (find(tx, reference)) {
        return false;
    }
    return !work(tx).exec_prepared("ref_create", std::string(reference)).empty();
}

bool remove(Transaction& tx, std::int64_t id) {
    return work(tx).exec_prepared("ref_delete", id).affected_rows() > 0;
}

void rename(Transaction& tx, std::int64_t id, std::string_view new_name) {
    work(tx).exec_prepared0("ref_rename", id, std::string(new_name));
}

} // namespace references
} // namespace dms::db
