// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/error.hpp"

#include <array>

namespace dms {
namespace {

using enum ErrorCode;
constexpr ExitStatus ex_software = ExitStatus::software;

// clang-format off
constexpr std::array<ErrorInfo, static_cast<std::size_t>(last_error_code) + 1> table{{
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
    // ZoneSM. The original gave -35 to both TickleEditLockFailure and UpdateZoneFailure
    // (REFERENCE.md 12, item 17): UpdateZoneFailure keeps -35, TickleEditLockFailure moves
    // to -135. Codes -131..-136 are new (the original reported these as ZoneSmFailure);
    // -137 too (the original had no check that an edit's base is still the newest ZI).
    {zone_sm_failure,              "ZoneSmFailure",                  -80,  ExitStatus::protocol,  "zone state machine failure"},
    {edit_lock_failure,            "EditLockFailure",                -34,  ExitStatus::temp_fail, "zone is edit locked"},
    {cancel_edit_lock_failure,     "CancelEditLockFailure",          -33,  ExitStatus::temp_fail, "edit lock not released: wrong token"},
    {update_zone_failure,          "UpdateZoneFailure",              -35,  ExitStatus::temp_fail, "edit not saved: lock timed out or held by another"},
    {tickle_edit_lock_failure,     "TickleEditLockFailure",          -135, ExitStatus::temp_fail, "edit lock not tickled: wrong token or timed out"},
    {zone_not_deleted,             "ZoneNotDeleted",                 -37,  ExitStatus::protocol,  "zone is not deleted"},
    {active_zone_exists,           "ActiveZoneExists",               -69,  ExitStatus::protocol,  "another live zone of that name exists"},
    {zone_files_still_exist,       "ZoneFilesStillExist",            -70,  ExitStatus::temp_fail, "zone files still exist; removal queued"},
    {zone_no_alt_sg_for_swap,      "ZoneNoAltSgForSwap",             -123, ExitStatus::protocol,  "zone has no alternate SG to swap to"},
    {zi_not_found,                 "ZiNotFound",                     -30,  ExitStatus::no_host,   "zone instance not found"},
    {no_sg_found,                  "NoSgFound",                      -59,  ExitStatus::no_host,   "server group not found"},
    {zone_event_failure,           "ZoneEventFailure",               -131, ExitStatus::protocol,  "zone is in a transient creation state"},
    {zone_already_enabled,         "ZoneAlreadyEnabled",             -132, ExitStatus::protocol,  "zone is already enabled"},
    {zone_already_disabled,        "ZoneAlreadyDisabled",            -133, ExitStatus::protocol,  "zone is already disabled"},
    {zone_reset_disabled,          "ZoneResetDisabled",              -134, ExitStatus::protocol,  "a disabled zone cannot be reset"},
    {zone_not_edit_locked,         "ZoneNotEditLocked",              -136, ExitStatus::protocol,  "zone is not edit locked"},
    {zone_changed,                 "ZoneChangedError",               -137, ExitStatus::temp_fail, "the zone changed since the edit began"},
    {invalid_domain_name,          "InvalidDomainName",              -89,  ExitStatus::data_err,  "invalid domain name"},
    {zone_not_found,               "ZoneNotFound",                   -28,  ExitStatus::no_host,   "zone not found"},
    {zone_not_found_by_id,         "ZoneNotFoundByZoneId",           -29,  ExitStatus::no_host,   "zone id not found"},
    {zone_exists,                  "ZoneExists",                     -36,  ExitStatus::cant_create, "zone exists already"},
    {zi_text_parse,                "ZiTextParseError",               -126, ExitStatus::data_err,  "zone text has errors"},
    {zi_in_use,                    "ZiInUse",                        -38,  ExitStatus::data_err,  "ZI is published or the candidate"},
    {reference_format,             "ReferenceFormatError",           -82,  ExitStatus::data_err,  "malformed reference"},
    {reference_exists,             "ReferenceExists",                -64,  ExitStatus::data_err,  "reference exists already"},
    {reference_does_not_exist,     "ReferenceDoesNotExist",          -65,  ExitStatus::no_host,   "reference does not exist"},
    {reference_still_used,         "ReferenceStillUsed",             -66,  ExitStatus::data_err,  "reference still used by zones"},
    {zone_sectag_exists,           "ZoneSecTagExists",               -40,  ExitStatus::data_err,  "security tag exists already"},
    {zone_sectag_does_not_exist,   "ZoneSecTagDoesNotExist",         -41,  ExitStatus::no_host,   "security tag does not exist"},
    {zone_sectag_still_used,       "ZoneSecTagStillUsed",            -43,  ExitStatus::data_err,  "security tag still used by zones"},
    {zone_cfg_item_value_error,    "ZoneCfgItemValueError",          -71,  ExitStatus::data_err,  "bad value for a zone_cfg key"},
    {sg_name_required,             "SgNameRequired",                 -63,  ExitStatus::usage,     "the key needs a server group"},
    {sg_exists,                    "SgExists",                       -72,  ExitStatus::cant_create, "server group exists already"},
    {sg_still_has_zones,           "SgStillHasZones",                -73,  ExitStatus::data_err,  "zones still use the server group"},
    {sg_still_has_servers,         "SgStillHasServers",              -95,  ExitStatus::data_err,  "servers still belong to the server group"},
    {replica_sg_exists,            "ReplicaSgExists",                -114, ExitStatus::data_err,  "another server group is the replica SG"},
    {no_replica_sg_found,          "NoReplicaSgFound",               -128, ExitStatus::no_host,   "no server group is the replica SG"},
    {server_exists,                "ServerExists",                   -74,  ExitStatus::cant_create, "server exists already"},
    {no_server_found,              "NoServerFound",                  -75,  ExitStatus::no_host,   "server not found"},
    {no_server_found_by_address,   "NoServerFoundByAddress",         -76,  ExitStatus::no_host,   "no server with that address"},
    {server_address_exists,        "ServerAddressExists",            -77,  ExitStatus::data_err,  "another server has that address and DNS port"},
    {server_not_disabled,          "ServerNotDisabled",              -78,  ExitStatus::protocol,  "the server must be disabled first"},
    {zone_not_disabled,            "ZoneNotDisabled",                -94,  ExitStatus::protocol,  "the zone must be disabled first"},
    {event_not_found,              "EventNotFoundById",              -129, ExitStatus::no_host,   "no event with that id"},
    {cant_fail_event,              "CantFailEventById",              -130, ExitStatus::data_err,  "the event has already been processed"},
    {named_still_running,          "NamedStillRunning",              -108, ExitStatus::temp_fail, "named still answers rndc"},
    {dmsd_still_running,           "DmsdmdStillRunning",             -109, ExitStatus::temp_fail, "dmsd is still running"},
    {zone_not_published,           "ZoneNotPublished",               -117, ExitStatus::protocol,  "the zone is not published"},
    {invalid_hmac_type,            "InvalidHmacType",                -96,  ExitStatus::usage,     "unknown TSIG algorithm"},
    {zone_file_write_error,        "ZoneFileWriteError",             -112, ExitStatus::io_err,    "a zone file could not be written"},
    {named_conf_write_error,       "NamedConfWriteError",            -113, ExitStatus::io_err,    "a named.conf include could not be written"},
    {server_already_enabled,       "ServerAlreadyEnabled",           -140, ExitStatus::data_err,  "the server is already enabled"},
    {server_already_disabled,      "ServerAlreadyDisabled",          -141, ExitStatus::data_err,  "the server is already disabled"},
    {server_enable_failure,        "ServerEnableFailure",            -142, ExitStatus::data_err,  "another enabled server has the address"},
    {master_fenced,                "MasterFencedError",              -143, ExitStatus::temp_fail, "another node is the active master"},
    {promote_failure,              "PromoteReplicaError",            -144, ExitStatus::unavailable, "the replica could not be promoted"},
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
