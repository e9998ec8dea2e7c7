// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/schema.hpp"

#include <algorithm>
#include <charconv>
#include <exception>
#include <span>

#include <fmt/format.h>

#include "dms/core/embedded_file.hpp"
#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"

#include "pqxx_access.hpp"

namespace dms::db {
namespace sql {
std::span<const EmbeddedFile> embedded_files(); // generated from sql/
} // namespace sql

namespace {

// Any constant will do; it only has to be the same for every dms program.
constexpr long long schema_lock_key = 0x646d735f736368; // "dms_sch"

std::string current_role(pqxx::work& w) {
    return w.exec1("SELECT current_user")[0].as<std::string>();
}

[[noreturn]] void bundle_error(const std::string& message) {
    throw Error(ErrorCode::schema_bundle, message);
}

int upgrade_version(const std::string& name) {
    // NNNN_description.sql
    int v = 0;
    const auto us = name.find('_');
    const bool sql_suffix = name.size() > 4 && name.ends_with(".sql");
    if (us == std::string::npos || us == 0 || !sql_suffix) {
        bundle_error(fmt::format("upgrade file '{}' is not named NNNN_description.sql", name));
    }
    const auto [p, ec] = std::from_chars(name.data(), name.data() + us, v);
    if (ec != std::errc{} || p != name.data() + us || v < 2) {
        bundle_error(fmt::format("upgrade file '{}' does not start with a version >= 2", name));
    }
    return v;
}

SchemaStatus inspect(pqxx::work& w, const SchemaBundle& bundle) {
    SchemaStatus st;
    const auto tables = w.exec1("SELECT count(*) FROM pg_catalog.pg_tables "
                                "WHERE schemaname = 'public'")[0]
                            .as<long long>();
    if (tables == 0) {
        return st;
    }
    const auto has_version =
        w.exec1("SELECT to_regclass('public.schema_version') IS NOT NULL")[0].as<bool>();
    if (!has_version) {
        st.state = SchemaState::foreign;
        return st;
    }
    const auto r = w.exec("SELECT version FROM schema_version");
    if (r.size() != 1) {
        st.state = SchemaState::foreign;
        return st;
    }
    st.version = r[0][0].as<int>();
    const int latest = bundle.latest_version();
    st.state = st.version == latest  ? SchemaState::current
               : st.version < latest ? SchemaState::older
                                     : SchemaState::newer;
    return st;
}

/// Who may do what to the audit trail (docs/database.md "The audit trail").
struct AuditRoles {
    bool superuser = false;     ///< the connected role is a superuser
    std::string app;            ///< the database's owner: the application role
    bool app_superuser = false; ///< ... is a superuser (test clusters): no privilege binds it
};

AuditRoles audit_roles(pqxx::work& w) {
    const auto r = w.exec1("SELECT current_setting('is_superuser') = 'on',"
                           " pg_get_userbyid(d.datdba), r.rolsuper FROM pg_database d"
                           " JOIN pg_roles r ON r.oid = d.datdba"
                           " WHERE d.datname = current_database()");
    return {r[0].as<bool>(), r[1].as<std::string>(), r[2].as<bool>()};
}

/// vacuum_audit's function (sql/upgrades/0010_vacuum_audit.sql).
constexpr const char* vacuum_audit_fn = "public.dms_vacuum_audit(double precision, integer)";

/// Whether schema dms_audit, its table audit_log and vacuum_audit's function (when the
/// schema has it) all belong to the role dms_audit.
bool audit_protected(pqxx::work& w) {
    const auto role = w.quote(std::string(audit_owner_role));
    return w
        .exec1(fmt::format("SELECT coalesce((SELECT pg_get_userbyid(n.nspowner) = {0}"
                           " AND pg_get_userbyid(c.relowner) = {0} FROM pg_namespace n"
                           " JOIN pg_class c ON c.relnamespace = n.oid"
                           " WHERE n.nspname = 'dms_audit' AND c.relname = 'audit_log'), false)"
                           " AND coalesce((SELECT pg_get_userbyid(p.proowner) = {0}"
                           " FROM pg_proc p WHERE p.oid = to_regprocedure('{1}')), true)",
                           role, vacuum_audit_fn))[0]
        .as<bool>();
}

/// Give schema dms_audit and its table to the role dms_audit (created if missing) and
/// let the application role read the table and insert rows (id and time from their
/// defaults), nothing else. Needs a superuser: only one can give objects to a role it
/// does not belong to, and the application role must not belong to dms_audit.
void protect_audit(pqxx::work& w, const std::string& app) {
    const auto a = w.quote_name(app);
    // Roles are per cluster: another database (or a concurrent create_db) may have made
    // it already.
    w.exec(fmt::format("DO $$ BEGIN"
                       " IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{0}') THEN"
                       " CREATE ROLE {0} NOLOGIN; END IF;"
                       " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
                       audit_owner_role));
    w.exec(fmt::format("ALTER SCHEMA dms_audit OWNER TO {0};"
                       " ALTER TABLE dms_audit.audit_log OWNER TO {0};"
                       " REVOKE ALL ON SCHEMA dms_audit FROM PUBLIC;"
                       " REVOKE ALL ON TABLE dms_audit.audit_log FROM PUBLIC;"
                       " REVOKE ALL ON SEQUENCE dms_audit.audit_log_id_seq FROM PUBLIC;",
                       audit_owner_role));
    // vacuum_audit deletes through this function (as dms_audit, only old rows).
    if (!w.exec1(fmt::format("SELECT to_regprocedure('{}') IS NULL", vacuum_audit_fn))[0]
             .as<bool>()) {
        w.exec(fmt::format("ALTER FUNCTION {0} OWNER TO {1};"
                           " REVOKE ALL ON FUNCTION {0} FROM PUBLIC;"
                           " GRANT EXECUTE ON FUNCTION {0} TO {2};",
                           vacuum_audit_fn, audit_owner_role, a));
    }
    if (app != audit_owner_role) {
        w.exec(fmt::format("REVOKE ALL ON TABLE dms_audit.audit_log FROM {0};"
                           " REVOKE ALL ON SEQUENCE dms_audit.audit_log_id_seq FROM {0};"
                           " GRANT USAGE ON SCHEMA dms_audit TO {0};"
                           " GRANT SELECT, INSERT (change_by, operation, subject, zone_id,"
                           " server_id, details) ON TABLE dms_audit.audit_log TO {0};"
                           " GRANT USAGE, SELECT ON SEQUENCE dms_audit.audit_log_id_seq TO {0};",
                           a));
    }
}

/// What the application role needs on a DR pair (docs/disaster-recovery.md): to see its
/// standbys in pg_stat_replication (pg_monitor) and to promote a standby
/// (zone_tool promote_replica). Idempotent; needs a superuser.
void grant_replication_rights(pqxx::work& w, const std::string& app) {
    const auto a = w.quote_name(app);
    w.exec(fmt::format("GRANT pg_monitor TO {0};"
                       " GRANT EXECUTE ON FUNCTION pg_promote(boolean, integer) TO {0};",
                       a));
}

SchemaChange apply(Session& session, const SchemaBundle& bundle, bool allow_install) {
    return session.transaction("schema", [&](Transaction& tx) {
        auto& w = work(tx);
        w.exec(fmt::format("SELECT pg_advisory_xact_lock({})", schema_lock_key));
        const auto roles = audit_roles(w);
        // A superuser changes the schema as the application role, so that what it
        // creates belongs to that role as before; it then hands the audit trail over.
        const bool as_app = roles.superuser && roles.app != current_role(w);
        if (as_app) {
            w.exec("SET LOCAL ROLE " + w.quote_name(roles.app));
        }
        const auto st = inspect(w, bundle);
        SchemaChange change;
        change.from = st.version;
        change.to = bundle.latest_version();
        change.app_role = roles.app;
        change.app_superuser = roles.app_superuser;
        auto audit = [&] {
            if (as_app) {
                w.exec("RESET ROLE");
            }
            if (w.exec1("SELECT to_regclass('dms_audit.audit_log') IS NULL")[0].as<bool>()) {
                return; // a schema without the audit trail (the mechanism's own tests)
            }
            change.audit_protected = audit_protected(w);
            if (!change.audit_protected && roles.superuser) {
                protect_audit(w, roles.app);
                change.audit_protected = audit_protected(w);
                change.audit_handed_over = change.audit_protected;
            }
            if (roles.superuser && !roles.app_superuser) {
                grant_replication_rights(w, roles.app);
            }
        };
        switch (st.state) {
        case SchemaState::current:
            audit();
            return change;
        case SchemaState::foreign:
            throw Error(ErrorCode::schema_foreign,
                        fmt::format("{}: database has tables but no dms schema_version row; "
                                    "refusing to touch it",
                                    session.describe()));
        case SchemaState::newer:
            throw Error(ErrorCode::schema_unknown,
                        fmt::format("{}: schema version {} is newer than this program knows "
                                    "({}); upgrade dms first",
                                    session.describe(), st.version, change.to));
        case SchemaState::empty:
            if (!allow_install) {
                throw Error(ErrorCode::schema_missing,
                            fmt::format("{}: database has no dms schema; run create_db",
                                        session.describe()));
            }
            w.exec(bundle.schema_sql);
            change.applied.emplace_back("schema.sql");
            break;
        case SchemaState::older:
            for (const auto& up : bundle.upgrades) {
                if (up.version > st.version) {
                    w.exec(up.sql);
                    change.applied.push_back(up.name);
                }
            }
            w.exec0(
                fmt::format("UPDATE schema_version SET version = {}, applied = now()", change.to));
            break;
        }
        const auto got = w.exec1("SELECT version FROM schema_version")[0].as<int>();
        if (got != change.to) {
            bundle_error(fmt::format("after applying {} the schema says version {}, expected {}",
                                     fmt::join(change.applied, ", "), got, change.to));
        }
        audit();
        return change;
    });
}

} // namespace

int SchemaBundle::latest_version() const {
    return upgrades.empty() ? 1 : upgrades.back().version;
}

SchemaBundle
SchemaBundle::from_files(const std::string& schema_sql,
                         const std::vector<std::pair<std::string, std::string>>& upgrades) {
    SchemaBundle b;
    b.schema_sql = schema_sql;
    for (const auto& [name, text] : upgrades) {
        b.upgrades.push_back({upgrade_version(name), name, text});
    }
    std::sort(b.upgrades.begin(), b.upgrades.end(),
              [](const auto& a, const auto& c) { return a.version < c.version; });
    int expect = 2;
    for (const auto& up : b.upgrades) {
        if (up.version != expect) {
            bundle_error(fmt::format("upgrade '{}' has version {}, expected {} (gap or duplicate)",
                                     up.name, up.version, expect));
        }
        ++expect;
    }
    return b;
}

const SchemaBundle& SchemaBundle::embedded() {
    static const SchemaBundle bundle = [] {
        std::string schema;
        std::vector<std::pair<std::string, std::string>> ups;
        for (const auto& f : sql::embedded_files()) {
            if (f.name == "schema.sql") {
                schema = std::string(f.content);
            } else {
                ups.emplace_back(std::string(f.name), std::string(f.content));
            }
        }
        if (schema.empty()) {
            bundle_error("schema.sql is not compiled in");
        }
        return from_files(schema, ups);
    }();
    return bundle;
}

SchemaStatus inspect_schema(Session& session, const SchemaBundle& bundle) {
    return session.transaction("inspect schema",
                               [&](Transaction& tx) { return inspect(work(tx), bundle); });
}

SchemaChange create_schema(Session& session, const SchemaBundle& bundle) {
    return apply(session, bundle, true);
}

SchemaChange upgrade_schema(Session& session, const SchemaBundle& bundle) {
    return apply(session, bundle, false);
}

bool database_exists(Transaction& tx, const std::string& name) {
    return !work(tx).exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty();
}

std::string other_connections(Transaction& tx, const std::string& name) {
    std::string out;
    for (const auto& r : work(tx).exec_params(
             "SELECT usename, application_name, coalesce(host(client_addr), 'local')"
             " FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
             " ORDER BY pid",
             name)) {
        out += fmt::format("{}{} ({}) from {}", out.empty() ? "" : ", ", r[0].c_str(), r[1].c_str(),
                           r[2].c_str());
    }
    return out;
}

std::string database_owner(Transaction& tx, const std::string& name) {
    const auto r = work(tx).exec_params(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", name);
    return r.empty() ? std::string() : std::string(r[0][0].c_str());
}

std::string current_role_name(Transaction& tx) {
    return work(tx).exec1("SELECT current_user")[0].c_str();
}

SchemaChange create_database(const DbSettings& settings, const SchemaBundle& bundle) {
    bool created = false;
    std::optional<Session> session;
    std::exception_ptr refused;
    try {
        session.emplace(Session::open(settings));
    } catch (const DatabaseError&) {
        refused = std::current_exception();
    }
    if (refused) {
        // Missing, or refused for another reason? The server's message tells only in
        // its own language (lc_messages), and libpq keeps no SQLSTATE of a connection
        // that failed: ask pg_database, as the same role, in the maintenance database.
        // Whatever cannot be asked leaves the first error as the answer.
        std::optional<Session> admin;
        try {
            admin.emplace(Session::open(settings, "postgres"));
        } catch (const DatabaseError&) {
            std::rethrow_exception(refused);
        }
        const auto quoted = admin->transaction("look for the database", [&](Transaction& tx) {
            auto& w = work(tx);
            const bool exists =
                !w.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", settings.name)
                     .empty();
            return exists ? std::string() : w.quote_name(settings.name);
        });
        if (quoted.empty()) {
            std::rethrow_exception(refused);
        }
        admin->execute_outside_transaction("CREATE DATABASE " + quoted);
        log::notice(admin->describe(), "create_db", "created database {}", settings.name);
        created = true;
        session.emplace(Session::open(settings));
    }
    auto change = create_schema(*session, bundle);
    change.created_database = created;
    return change;
}

} // namespace dms::db
