// SPDX-License-Identifier: GPL-3.0-or-later
// Database commands: create_db, upgrade_db, dump_db, restore_db.
#include <charconv>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/schema.hpp"
#include "dms/drivers/bind9.hpp"
#include "dms/engine/backup.hpp"
#include "dms/engine/dr.hpp"
#include "dms/engine/restore.hpp"
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

ExitStatus dump_db(Context& ctx, Args /*args*/) {
    std::optional<std::string> dir;
    std::optional<int> keep;
    if (ctx.flag('o')) {
        dir = ctx.option('o');
    }
    if (ctx.flag('k')) {
        const auto k = ctx.option('k');
        int v = 0;
        const auto [p, ec] = std::from_chars(k.data(), k.data() + k.size(), v);
        if (ec != std::errc() || p != k.data() + k.size() || v < 1) {
            throw Error(ErrorCode::usage, fmt::format("-k '{}': the number of dumps to keep "
                                                      "(1 or more) was expected",
                                                      k));
        }
        keep = v;
    }
    const auto r = engine::dump_db(ctx.config(), dir, keep);
    fmt::print(ctx.out(), "dump_db: {} ({} bytes) in {:.1f} s\n", r.path, r.bytes,
               static_cast<double>(r.took.count()) / 1000.0);
    for (const auto& old : r.removed) {
        fmt::print(ctx.out(), "dump_db: removed the older {}\n", old);
    }
    return ExitStatus::ok;
}

ExitStatus restore_db(Context& ctx, Args args) {
    const auto& cfg = ctx.config();
    const bool named_too = ctx.flag('n');
    if (!ctx.confirm(fmt::format(
            "Replace database {} with the dump {}? The current one is kept under another name{}",
            cfg.db.name, args[0],
            named_too ? "; then named's zone files are rewritten from it" : ""))) {
        return ExitStatus::temp_fail;
    }
    // Nothing of ours may hold the database while it is renamed.
    ctx.close_session();
    const auto r = engine::restore_db(cfg, args[0]);
    fmt::print(ctx.out(), "restore_db: {} restored from {} (schema {} -> {}) in {:.1f} s\n",
               r.database, args[0], r.schema_from, r.schema_to,
               static_cast<double>(r.took.count()) / 1000.0);
    if (!r.kept_as.empty()) {
        fmt::print(ctx.out(),
                   "restore_db: the database before is kept as {}: drop it when the "
                   "restore is checked (DROP DATABASE {})\n",
                   r.kept_as, r.kept_as);
    }
    if (!named_too) {
        fmt::print(ctx.out(), "Next: with named stopped, zone_tool restore_named_db -f; start "
                              "named, then dmsd (or run restore_db with -n)\n");
        return ExitStatus::ok;
    }
    // restore_named_db and the serial floors (the slaves may hold serials newer than
    // the dump's: each such zone is published again with a serial above them).
    const auto named = drivers::bind9::make_named_driver(cfg);
    if (named->control_channel_answers()) {
        throw Error(ErrorCode::named_still_running,
                    "named answers rndc status: stop it, then run zone_tool restore_named_db -f "
                    "(the database is restored)");
    }
    const auto files = engine::restore_named_db(ctx.session(), *named);
    fmt::print(ctx.out(),
               "restore_db: {} zone files and the includes written; {} pending events "
               "cancelled\n",
               files.zones, files.cancelled_events);
    const auto slaves = drivers::bind9::make_slave_driver(cfg);
    const auto floors = engine::raise_serials_above_servers(ctx.session(), cfg, *slaves,
                                                            engine::local_caller(), "restore_db");
    fmt::print(ctx.out(),
               "restore_db: compared the serials of {} zones on {} servers ({} did not answer): "
               "{} queued for publishing with a serial above them. Start named, then dmsd.\n",
               floors.zones, floors.servers, floors.unreachable.size(), floors.republished);
    return ExitStatus::ok;
}

} // namespace

void add_db_commands(std::vector<Command>& table) {
    table.push_back({"create_db", "",
                     "create the database if missing and install or upgrade the dms schema", 0, 0,
                     "", "", create_db});
    table.push_back({"upgrade_db", "", "upgrade an existing dms schema to this program's version",
                     0, 0, "", "", upgrade_db});
    table.push_back({"dump_db", "",
                     "pg_dump the database (custom format) to dump_dir (-o DIR), keeping the "
                     "newest dump_keep (-k N); sbin/dms_dumpdb runs it daily",
                     0, 0, "", "ok", dump_db});
    table.push_back({"restore_db", "<dump-file>",
                     "restore a dump_db file into a fresh database that takes the configured "
                     "name (the old one is kept renamed), upgrade_db; -n: then restore_named_db "
                     "and publish zones the slaves hold newer (dmsd and named stopped; asks "
                     "first)",
                     1, 1, "fn", "", restore_db});
}

} // namespace dms::zone_tool
