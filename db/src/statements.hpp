// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the db layer: every SQL statement is a named prepared statement,
// declared in one table per repository and prepared on each new connection.

#include <span>
#include <string_view>

#include <pqxx/pqxx>

namespace dms::db::detail {

struct Statement {
    std::string_view name;
    std::string_view sql;
};

// One table per repository (defined in its .cpp).
std::span<const Statement> zone_statements();
std::span<const Statement> zi_statements();
std::span<const Statement> reference_statements();
std::span<const Statement> sectag_statements();
std::span<const Statement> zone_cfg_statements();
std::span<const Statement> apex_ns_statements();
std::span<const Statement> event_statements();
std::span<const Statement> audit_statements();
std::span<const Statement> queue_statements();
std::span<const Statement> master_statements();
std::span<const Statement> server_statements();
std::span<const Statement> sg_statements();
std::span<const Statement> server_state_statements();
std::span<const Statement> replication_statements();
std::span<const Statement> vacuum_statements();
std::span<const Statement> metrics_statements();

/// Prepare every statement of every repository on `conn`.
void declare_statements(pqxx::connection_base& conn);

} // namespace dms::db::detail
