// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Creating and upgrading the dms schema.
//
// sql/schema.sql creates the newest schema and records its version in the
// one-row table schema_version. sql/upgrades/NNNN_what.sql takes a database from
// version NNNN-1 to NNNN. Both are compiled into the binaries. All upgrades a
// database needs run in one transaction under an advisory lock, so a failed
// upgrade leaves the database as it was and two concurrent runs cannot race.

#include <optional>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db {

struct SchemaUpgrade {
    int version = 0;  ///< the version this file produces
    std::string name; ///< file name, for messages
    std::string sql;
};

/// The SQL a program carries: fresh-install script plus upgrade chain.
struct SchemaBundle {
    std::string schema_sql;
    std::vector<SchemaUpgrade> upgrades; ///< ordered, versions 2..N without gaps

    /// The version schema_sql creates: the last upgrade's, or 1 with none.
    int latest_version() const;

    /// The bundle compiled into this program from sql/. Throws Error
    /// (schema_bundle) if file names or numbering are inconsistent.
    static const SchemaBundle& embedded();
    /// Build from file names and texts; same checks as embedded().
    static SchemaBundle
    from_files(const std::string& schema_sql,
               const std::vector<std::pair<std::string, std::string>>& upgrades);
};

enum class SchemaState {
    empty,   ///< no tables in the public schema
    current, ///< at the bundle's latest version
    older,   ///< an older dms version: upgrade_db applies
    newer,   ///< a version this program does not know
    foreign, ///< tables but no schema_version: not a dms database
};

struct SchemaStatus {
    SchemaState state = SchemaState::empty;
    int version = 0; ///< 0 when there is no schema_version row
};

/// Look at the database without changing it.
SchemaStatus inspect_schema(Session& session,
                            const SchemaBundle& bundle = SchemaBundle::embedded());

/// The role that owns the audit trail (schema dms_audit and its table audit_log) once
/// a superuser has run create_db or upgrade_db; it cannot log in.
inline constexpr const char* audit_owner_role = "dms_audit";

struct SchemaChange {
    int from = 0; ///< 0 for a fresh install
    int to = 0;
    bool created_database = false;
    std::vector<std::string> applied; ///< "schema.sql" or upgrade file names, in order
    std::string app_role;             ///< the application role: the database's owner
    bool app_superuser = false;       ///< ... is a superuser, which no privilege binds
    /// The audit trail belongs to audit_owner_role: the application role may only read
    /// it and insert rows. False when only the application role ran create_db/upgrade_db.
    bool audit_protected = false;
    bool audit_handed_over = false; ///< this run (as a superuser) made it so
};

/// Install the schema into an empty database, or upgrade an older one; nothing
/// to do at the current version. Refuses (dms::Error) a foreign or newer schema.
/// Connected as a superuser, both change the schema as the database's owner (the
/// application role) and then give the audit trail to audit_owner_role, in the same
/// transaction.
SchemaChange create_schema(Session& session, const SchemaBundle& bundle = SchemaBundle::embedded());

/// Upgrade an existing dms schema; refuses an empty database (schema_missing),
/// a foreign one and a newer one.
SchemaChange upgrade_schema(Session& session,
                            const SchemaBundle& bundle = SchemaBundle::embedded());

/// Connect to the configured database, creating it first (from the maintenance
/// database `postgres`) if it does not exist; then create_schema().
SchemaChange create_database(const DbSettings& settings,
                             const SchemaBundle& bundle = SchemaBundle::embedded());

/// Maintenance (restore_db), in a session on the maintenance database `postgres`:
/// whether database `name` exists;
bool database_exists(Transaction& tx, const std::string& name);
/// the other sessions connected to it, "user (application) from address" each, "" if
/// none;
std::string other_connections(Transaction& tx, const std::string& name);
/// its owner, "" if there is no such database;
std::string database_owner(Transaction& tx, const std::string& name);
/// the role this session acts as.
std::string current_role_name(Transaction& tx);

} // namespace dms::db
