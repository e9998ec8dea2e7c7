// SPDX-License-Identifier: GPL-3.0-or-later
// Database commands: create_db, upgrade_db.
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/logging.hpp"
#include "dms/db/schema.hpp"
#include "dms/zone_tool/cli.hpp"

namespace dms::zone_tool {
namespace {

/// Whether the audit trail is safe from the application role, and what to do if not.
void report_audit(Context& ctx, const db::SchemaChange& change) {
    if (change.audit_handed_over) {
        if (change.app_superuser) {
            fmt::print(ctx.out(),
                       "audit trail: dms_audit.audit_log now belongs to role {}; the "
                       "application role {} is a superuser, which can still change it\n",
                       db::audit_owner_role, change.app_role);
        } else {
            fmt::print(ctx.out(),
                       "audit trail: dms_audit.audit_log now belongs to role {}; role {} may "
                       "only read it and insert rows\n",
                       db::audit_owner_role, change.app_role);
        }
        log::notice("dms_audit.audit_log", "schema", "audit trail given to role {}",
                    db::audit_owner_role);
    } else if (!change.audit_protected) {
        fmt::print(ctx.err(),
                   "zone_tool: warning: the audit trail dms_audit.audit_log belongs to the "
                   "application role '{}', which can rewrite it: run zone_tool upgrade_db once "
                   "as a PostgreSQL superuser (db_user) to give it to role {}\n",
                   change.app_role, db::audit_owner_role);
    }
}

void report(Context& ctx, const std::string& where, const db::SchemaChange& change) {
    if (change.created_database) {
        fmt::print(ctx.out(), "created database {}\n", ctx.config().db.name);
    }
    if (change.applied.empty()) {
        fmt::print(ctx.out(), "{}: schema at version {}, nothing to do\n", where, change.to);
        report_audit(ctx, change);
        return;
    }
    if (change.from == 0) {
        fmt::print(ctx.out(), "{}: installed schema version {}\n", where, change.to);
    } else {
        fmt::print(ctx.out(), "{}: upgraded schema {} -> {} ({})\n", where, change.from, change.to,
                   fmt::join(change.applied, ", "));
    }
    log::notice(where, "schema", "schema {} -> {}: {}", change.from, change.to,
                fmt::join(change.applied, ", "));
    report_audit(ctx, change);
}

ExitStatus create_db(Context& ctx, Args /*args*/) {
    const auto change = db::create_database(ctx.config().db);
    auto& s = ctx.session();
    report(ctx, s.describe(), change);
    return ExitStatus::ok;
}

ExitStatus upgrade_db(Context& ctx, Args /*args*/) {
    auto& s = ctx.session();
    report(ctx, s.describe(), db::upgrade_schema(s));
    return ExitStatus::ok;
}

} // namespace

void add_db_commands(std::vector<Command>& table) {
    table.push_back({"create_db", "",
                     "create the database if missing and install or upgrade the dms schema", 0, 0,
                     "", "", create_db});
    table.push_back({"upgrade_db", "", "upgrade an existing dms schema to this program's version",
                     0, 0, "", "", upgrade_db});
}

} // namespace dms::zone_tool
