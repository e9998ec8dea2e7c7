// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/audit.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

constexpr detail::Statement statements[] = {
    {"audit_insert", "INSERT INTO audit_log (change_by, operation, subject, zone_id, server_id,"
                     " details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)"},
};

} // namespace

namespace detail {
std::span<const Statement> audit_statements() {
    return statements;
}
} // namespace detail

namespace audit {

void record(Transaction& tx, const Entry& e) {
    const detail::Arg zone(e.zone_id);
    const detail::Arg server(e.server_id);
    work(tx).exec_prepared0("audit_insert", e.change_by, e.operation, e.subject, zone.get(),
                            server.get(), e.details);
}

} // namespace audit
} // namespace dms::db
