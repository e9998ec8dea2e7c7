// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/error.hpp"

#include <array>

namespace dms {
namespace {

using enum ErrorCode;
constexpr ExitStatus ex_software = ExitStatus::software;

// clang-format off
constexpr std::array<ErrorInfo, 22> table{{
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
    {soa_serial_occlusion,         "SOASerialOcclusionError",        -115, ExitStatus::data_err, "published serial at the end of the serial window"},
    {soa_serial_published,         "SOASerialPublishedError",        -116, ExitStatus::data_err, "new serial equals the published serial"},
    {soa_serial_candidate_ignored, "SOASerialCandidateIgnored",      -118, ExitStatus::data_err, "the given serial would not be used"},
    {soa_serial_range,             "SOASerialRangeError",            -120, ExitStatus::data_err, "serial outside 1..4294967295"},
    {zi_id_syntax,                 "ZiIdSyntaxError",                -100, ExitStatus::usage,    "bad zi-id"},
    {zi_id_adj_string_syntax,      "ZiIdAdjStringSyntaxError",       -101, ExitStatus::usage,    "bad zi-id adjustment (^-, ^+N, ...)"},
    {zi_id_time_unit_syntax,       "ZiIdTimeUnitSyntaxError",        -102, ExitStatus::usage,    "bad zi-id time unit (s m h d w)"},
    {zi_id_time_amount_syntax,     "ZiIdTimeAmountSyntaxError",      -103, ExitStatus::usage,    "bad zi-id time amount"},
    {zi_id_hh_mm_syntax,           "ZiIdHhMmSyntaxError",            -104, ExitStatus::usage,    "bad zi-id time of day (hh:mm[am|pm])"},
    {zi_id_dd_slash_mm_syntax,     "ZiIdDdSlashMmSyntaxError",       -105, ExitStatus::usage,    "bad zi-id day/month (DD/MM)"},
    {zi_id_dd_mm_yyyy_syntax,      "ZiIdDdMmYyyySyntaxError",        -106, ExitStatus::usage,    "bad zi-id date (DD/MM/YYYY)"},
    {zi_id_iso_date_syntax,        "ZiIdIsoDateSyntaxError",         -107, ExitStatus::usage,    "bad zi-id ISO date (YYYY-MM-DD)"},
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
