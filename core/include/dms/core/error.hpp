// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one exception root of dms and the table of error codes.
//
// Expected outcomes are values; broken invariants and infrastructure failures are
// exceptions derived from dms::Error. Each carries an ErrorCode, which maps to the
// JSON-RPC error code (REFERENCE.md 6.4, where the original defined one) and to the
// zone_tool exit status.

#include <stdexcept>
#include <string>
#include <string_view>

#include "dms/core/exit_status.hpp"

namespace dms {

/// Every error code dms reports. The table in error.cpp gives name, JSON-RPC code,
/// exit status and description for each; add new codes there too.
enum class ErrorCode {
    internal,       ///< a bug: an invariant broke
    usage,          ///< bad command line or call arguments
    config,         ///< bad or unreadable configuration file
    io,             ///< a file could not be read or written
    database,       ///< PostgreSQL could not be reached or failed
    db_read_only,   ///< the database is a read-only hot standby
    schema_missing, ///< the database has no dms schema (run create_db)
    schema_unknown, ///< the database schema version is newer than this program
    schema_foreign, ///< the database holds tables that are not a dms schema
    schema_bundle,  ///< schema.sql and sql/upgrades/ disagree (packaging bug)
    // SOA serial arithmetic (REFERENCE.md 7.3)
    soa_serial_occlusion,         ///< published serial sits at the end of the RFC 1982 window
    soa_serial_published,         ///< the new serial equals the one already published
    soa_serial_candidate_ignored, ///< the operator's serial would not be used
    soa_serial_range,             ///< serial outside 1..2^32-1
    // zi-id syntax (REFERENCE.md 7.5)
    zi_id_syntax,
    zi_id_adj_string_syntax,
    zi_id_time_unit_syntax,
    zi_id_time_amount_syntax,
    zi_id_hh_mm_syntax,
    zi_id_dd_slash_mm_syntax,
    zi_id_dd_mm_yyyy_syntax,
    zi_id_iso_date_syntax,
    // ZoneSM (REFERENCE.md 3.1.3). Where the original had a JSON-RPC code we keep it; the
    // refusals it reported only as ZoneSmFailure text get their own codes from -131 on.
    zone_sm_failure,          ///< ZoneSM failed (lock in a bad state, publishing failed)
    edit_lock_failure,        ///< zone is edit locked by someone else (ZoneSMEdit etc.)
    cancel_edit_lock_failure, ///< edit exit with the wrong token
    update_zone_failure,      ///< saving an edit: wrong token, lock timed out or held
    tickle_edit_lock_failure, ///< tickling an edit lock: wrong token or timed out
    zone_not_deleted,         ///< destroy/undelete of a zone that is not DELETED
    active_zone_exists,       ///< another live zone of the same name exists
    zone_files_still_exist,   ///< destroy refused: the zone's files are not removed yet
    zone_no_alt_sg_for_swap,  ///< SG swap without an alternate SG
    zi_not_found,             ///< zone instance not found
    no_sg_found,              ///< server group not found
    zone_event_failure,       ///< event refused: zone in transient INIT/BATCH_CREATE state
    zone_already_enabled,     ///< enable of a zone that is not DISABLED
    zone_already_disabled,    ///< disable of a DISABLED zone
    zone_reset_disabled,      ///< reset of a DISABLED zone
    zone_not_edit_locked,     ///< locked edit saved while the zone is in UPDATE
    zone_changed,             ///< an edit's base is no longer the zone's newest ZI
    // Zones, ZIs, references, sectags, zone_cfg (REFERENCE.md 6.4)
    invalid_domain_name,        ///< not a valid zone name
    zone_not_found,             ///< no live zone of that name
    zone_not_found_by_id,       ///< no zone with that id
    zone_exists,                ///< a live zone of that name exists already
    zi_text_parse,              ///< zone text has errors (all listed in the message)
    zi_in_use,                  ///< the ZI is published or the candidate
    reference_format,           ///< malformed reference
    reference_exists,           ///< reference exists already
    reference_does_not_exist,   ///< no such reference
    reference_still_used,       ///< zones still use the reference
    zone_sectag_exists,         ///< security tag exists already
    zone_sectag_does_not_exist, ///< no such security tag (or not on this zone)
    zone_sectag_still_used,     ///< zones still carry the security tag
    zone_cfg_item_value_error,  ///< bad value for a zone_cfg key
    sg_name_required,           ///< the key is per server group: name one
    // Server groups and servers (REFERENCE.md 6.4)
    sg_exists,                  ///< a server group of that name exists already
    sg_still_has_zones,         ///< zones still use the server group
    sg_still_has_servers,       ///< servers still belong to the server group
    replica_sg_exists,          ///< another server group is the replica SG
    no_replica_sg_found,        ///< no server group is the replica SG
    server_exists,              ///< a server of that name exists already
    no_server_found,            ///< no server of that name
    no_server_found_by_address, ///< no server with that address
    server_address_exists,      ///< another server has that address and DNS port
    server_not_disabled,        ///< the server must be DISABLED for this
    zone_not_disabled,          ///< the zone must be DISABLED for this
    // Events, the master, dmsd (REFERENCE.md 6.4)
    event_not_found,        ///< no event with that id
    cant_fail_event,        ///< the event has already been processed
    named_still_running,    ///< restore_named_db while named answers rndc
    dmsd_still_running,     ///< restore_named_db, or a second dmsd, while dmsd runs
    zone_not_published,     ///< the zone must be PUBLISHED for this
    invalid_hmac_type,      ///< unknown TSIG algorithm
    zone_file_write_error,  ///< a zone file could not be written
    named_conf_write_error, ///< a named.conf include could not be written
    // ServerSM (REFERENCE.md 3.3)
    server_already_enabled,  ///< enable of a server that is not DISABLED
    server_already_disabled, ///< disable of a DISABLED server
    server_enable_failure,   ///< another enabled server has the same address and port
    // The DR pair (docs/disaster-recovery.md)
    master_fenced,   ///< dmsd: another node is the active master
    promote_failure, ///< promote_replica could not promote the database
};
/// The last code above (the table in error.cpp has one entry per code up to it).
inline constexpr ErrorCode last_error_code = ErrorCode::promote_failure;

struct ErrorInfo {
    ErrorCode code;
    std::string_view name;        ///< stable name, e.g. "DBReadOnlyError"
    int jsonrpc_code;             ///< JSON-RPC error code
    ExitStatus exit_status;       ///< zone_tool / dmsd exit status
    std::string_view description; ///< one line for documentation
};

/// The table entry for a code. Never throws.
const ErrorInfo& error_info(ErrorCode code) noexcept;

/// Base of all dms exceptions.
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}

    ErrorCode code() const noexcept { return m_code; }
    const ErrorInfo& info() const noexcept { return error_info(m_code); }
    ExitStatus exit_status() const noexcept { return info().exit_status; }

private:
    ErrorCode m_code;
};

/// Configuration file errors; the message names file and line.
class ConfigError : public Error {
public:
    explicit ConfigError(const std::string& message) : Error(ErrorCode::config, message) {}
};

/// Database errors seen outside the db layer (libpqxx exceptions never leave it).
class DatabaseError : public Error {
public:
    using Error::Error;
    explicit DatabaseError(const std::string& message) : Error(ErrorCode::database, message) {}
};

/// The database server cannot be reached, or the connection to it broke (it is down,
/// restarting, shutting down, refusing connections): a state to wait out by trying
/// again later, not a fault of the statement that met it.
class DatabaseUnavailable : public DatabaseError {
public:
    explicit DatabaseUnavailable(const std::string& message) : DatabaseError(message) {}
};

} // namespace dms
