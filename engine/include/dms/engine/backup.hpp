// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Database dumps and restores (docs/operations.md "Backups and restore"; the
// Administration_Procedures' dms_dumpdb). pg_dump and pg_restore run by argv with a
// time limit (dump_timeout); the connection comes from dms.conf's db_* settings through
// libpq's environment, the password through a private pgpass file that is removed
// afterwards (never in argv or logs).
//
// dump_db: pg_dump's custom format to dump_dir/dms-<db>-<UTC time>.dump (a temp name,
// renamed when complete, mode 0600), then only the newest dump_keep such files are kept.
//
// restore_db: into a fresh database <db>_restore_<time> (pg_restore in one
// transaction, stopping at the first error), then the current database, if any, is
// renamed <db>_before_<time> (kept for the operator to drop) and the fresh one takes
// its name; then upgrade_db. Refused while dmsd runs or while anything else is
// connected to the database. Needs a role that may create and rename databases (a
// superuser: zone_tool -c admin.conf). A failure leaves the current database as it
// was and drops the fresh one.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dms/core/config.hpp"

namespace dms::engine {

struct DumpReport {
    std::string path;
    std::uintmax_t bytes = 0;
    std::vector<std::string> removed; ///< older dumps deleted by the rotation
    std::chrono::milliseconds took{0};
};

/// @throws dms::Error(io) naming pg_dump's own error, the directory or the file
DumpReport dump_db(const Config& config, const std::optional<std::string>& dir = std::nullopt,
                   std::optional<int> keep = std::nullopt);

struct RestoreDbReport {
    std::string database; ///< the restored one (db_name)
    std::string kept_as;  ///< what the database before it is called now ("" if none)
    int schema_from = 0;  ///< the dump's schema version
    int schema_to = 0;    ///< after upgrade_db
    std::chrono::milliseconds took{0};
};

/// @throws dms::Error(dmsd_still_running) while dmsd runs; (io) a file pg_restore
///         cannot read or refuses, naming its error; DatabaseError
RestoreDbReport restore_db(const Config& config, const std::string& file);

} // namespace dms::engine
