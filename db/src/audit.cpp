// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/audit.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

constexpr detail::Statement statements[] = {
    {"audit_insert",
     "INSERT INTO dms_audit.audit_log (change_by, operation, subject, zone_id, server_id,"
     " details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)"},
    {"audit_insert_many",
     "INSERT INTO dms_audit.audit_log (change_by, operation, subject, zone_id, server_id, details)"
     " SELECT v.b, v.o, v.s, v.z, v.sv, v.d::jsonb FROM unnest($1::text[], $2::text[],"
     " $3::text[], $4::bigint[], $5::bigint[], $6::text[]) WITH ORDINALITY"
     " AS v (b, o, s, z, sv, d, ord) ORDER BY v.ord"},
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

void record_many(Transaction& tx, const std::vector<Entry>& entries) {
    if (entries.empty()) {
        return;
    }
    detail::ArrayText by, op, subject, zone, server, details;
    for (const auto& e : entries) {
        by.add(e.change_by);
        op.add(e.operation);
        subject.add(e.subject);
        zone.add(e.zone_id);
        server.add(e.server_id);
        details.add(e.details);
    }
    work(tx).exec_prepared0("audit_insert_many", by.str(), op.str(), subject.str(), zone.str(),
                            server.str(), details.str());
}

} // namespace audit
} // namespace dms::db
