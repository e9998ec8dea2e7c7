// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/error.hpp"

#include <array>

namespace dms {
namespace {

using enum ErrorCode;
constexpr ExitStatus ex_software = ExitStatus::software;

// clang-format off
constexpr std::array<ErrorInfo, 10> table{{
    {internal,       "InternalError",        -32603, ex_software,             "internal error (a bug)"},
    {usage,          "UsageError",           -32602, ExitStatus::usage,       "bad command or call arguments"},
    {config,         "ConfigError",          -32603, ExitStatus::config,      "configuration file error"},
    {io,             "IOError",              -32603, ExitStatus::io_err,      "file read or write failed"},
    {database,       "DatabaseError",        -32603, ExitStatus::unavailable, "database unreachable or failed"},
    {db_read_only,   "DBReadOnlyError",      -122,   ExitStatus::unavailable, "database in read only mode"},
    {schema_missing, "SchemaMissingError",   -32603, ExitStatus::unavailable, "database has no dms schema"},
    {schema_unknown, "SchemaUnknownError",   -32603, ExitStatus::data_err,    "database schema version unknown"},
    {schema_foreign, "SchemaForeignError",   -32603, ExitStatus::data_err,    "database holds a non-dms schema"},
    {schema_bundle,  "SchemaBundleError",    -32603, ex_software,             "schema.sql and upgrades disagree"},
}};
// clang-format on

} // namespace

const ErrorInfo& error_info(ErrorCode code) noexcept {
    for (const auto& e : table) {
        if (e.code == code) {
            return e;
        }
    }
    return table.front();
}

} // namespace dms
