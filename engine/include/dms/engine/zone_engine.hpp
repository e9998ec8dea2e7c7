// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Zone operations: everything zone_tool (and later the JSON-RPC API) can ask about
// zones: list, create (one, many, copies), the lifecycle (ZoneSM events), flags,
// reference, SOA serial pokes, edit locks. Their content, one zone instance (ZI) per
// save, is zi_engine.hpp's. Each public call is one database transaction: it either
// happens completely or not at all. Synchronous ZoneSM events run inside that
// transaction and are recorded in sm_event_queue; queued events are left for dmsd.
//
// Errors: dms::Error with the codes of REFERENCE.md 6.4 (ZoneNotFound, ZiNotFound,
// ZoneExists, ZiTextParseError with the findings in the message, state machine
// refusals ...). Nothing is written when an error is thrown.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/core/error.hpp"
#include "dms/core/zone.hpp"
#include "dms/core/zone_text.hpp"
#include "dms/core/zone_validate.hpp"
#include "dms/db/session.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

/// Zone flags; std::nullopt takes the zone_cfg default.
struct ZoneFlags {
    std::optional<bool> use_apex_ns;
    std::optional<bool> edit_lock;
    std::optional<bool> auto_dnssec;
    std::optional<bool> nsec3;
    std::optional<bool> inc_updates;
};

/// Parse zone options "edit_lock", "no_edit_lock", "def_edit_lock" ... into `flags`;
/// returns an error message, or "" (REFERENCE.md 5.1 zone-option).
std::string parse_zone_option(std::string_view word, ZoneFlags& flags);

struct CreateOptions {
    std::string sg_name;   ///< "" = zone_cfg default_sg
    std::string reference; ///< "" = zone_cfg default_ref (or the text's ;!REF:)
    ZoneFlags flags;
    /// Bulk load (load_zones): the batch path of ZoneSM (DoBatchConfig, REFERENCE.md
    /// 3.1.4), and the SG, reference and zone_cfg defaults are looked up once per
    /// ZoneEngine instead of once per zone.
    bool batch = false;
};

/// One zone file of load_zones.
struct ZoneLoad {
    std::string source; ///< the file, for messages
    std::string name;   ///< the zone's name ("" = from the text's $ORIGIN or SOA)
    std::string text;
    std::optional<db::ZoneRecord> zone; ///< set when created
    std::string error;                  ///< set when not
};

/// Parse problems and validation findings of zone text; thrown as ZiTextParseError
/// by the calls that take text, and available for callers that want them all.
struct ZoneTextCheck {
    ZoneData zone;
    std::vector<Finding> findings;
    bool ok() const { return !has_errors(findings); }
};

class ZoneEngine {
public:
    ZoneEngine(db::Session& session, const Config& config, Caller caller);

    // ---- reading -------------------------------------------------------------------
    std::vector<db::ZoneRecord> list_zones(const db::ZoneFilter& filter);
    db::ZoneRecord find_zone(std::string_view name);
    db::ZoneRecord find_zone_by_id(std::int64_t id);
    /// The most specific live zone holding `name` (record_query_db), e.g.
    /// "www.sub.example.org" -> "sub.example.org." if that zone exists.
    db::ZoneRecord zone_for_name(std::string_view name);

    /// Parse (and unless `validate` is false, validate) zone text for `zone_name`
    /// with this installation's limits.
    ZoneTextCheck check_zone_text(std::string_view text, std::string_view zone_name,
                                  bool name_from_text = false, bool validate = true);

    // ---- creating ------------------------------------------------------------------
    /// New zone with the default SOA and apex NS from zone_cfg, or with `content`.
    /// `source` names the text in error messages (a file name).
    db::ZoneRecord create_zone(std::string_view name, const CreateOptions& options,
                               std::optional<ZoneData> content = std::nullopt,
                               std::string_view source = "");
    /// load_zones: parse each text and create its zone, many zones per transaction.
    /// Each item ends with its zone or its error: a bad file or an existing zone does
    /// not stop the others. Items that come with an error are left as they are.
    void load_zones(std::vector<ZoneLoad>& items, const CreateOptions& options);
    /// Parse `text` and create the zone from it (load_zone).
    db::ZoneRecord load_zone(std::string_view text, std::string_view name,
                             const CreateOptions& options, std::string_view file_name);
    /// New zone from a ZI of another zone (copy_zone).
    db::ZoneRecord copy_zone(std::string_view src, std::string_view name,
                             const CreateOptions& options, std::string_view zi_spec = "");

    // ---- lifecycle (ZoneSM events) -------------------------------------------------------
    db::ZoneRecord delete_zone(std::string_view name);
    db::ZoneRecord undelete_zone(std::int64_t zone_id);
    /// Remove a DELETED zone for good (its files must be gone).
    void destroy_zone(std::int64_t zone_id);
    db::ZoneRecord enable_zone(std::string_view name);
    db::ZoneRecord disable_zone(std::string_view name);
    /// Mark zones deleted for immediate reaping; returns the names nuked.
    std::vector<std::string> nuke_zones(const db::ZoneFilter& filter);
    /// Queue a publish, optionally of another ZI (roll back or forward).
    db::ZoneRecord refresh_zone(std::string_view name, std::string_view zi_spec = "");
    /// Start the zone again from its files (DoReset; loses DNSSEC signatures), optionally
    /// with another ZI as the candidate.
    db::ZoneRecord reset_zonesm(std::string_view name, std::string_view zi_spec = "");
    /// reset_zonesm of every zone that is neither DISABLED nor DELETED; the names.
    std::vector<std::string> reset_all_zones();
    /// Publish with `serial` as the SOA serial (REFERENCE.md 7.3): refused
    /// (SOASerialCandidateIgnored) when the serial would not be used; `force_update`
    /// publishes even when the records did not change. The zone must be PUBLISHED.
    db::ZoneRecord poke_zone_set_serial(std::string_view name, std::uint64_t serial,
                                        bool force_update);
    /// Publish with the serial moved to the end of the RFC 1982 window (wrap).
    db::ZoneRecord poke_zone_wrap_serial(std::string_view name);

    /// Change flags (REFERENCE.md 7.6); std::nullopt leaves a flag as it is.
    db::ZoneRecord set_zone(std::string_view name, const ZoneFlags& flags);
    /// Set (or with "" clear) the zone's reference.
    db::ZoneRecord set_zone_reference(std::string_view name, std::string_view reference);

    /// Take the edit lock (zones with edit_lock); returns the token, or std::nullopt
    /// when the zone does not use edit locking. The lock records the caller's process.
    std::optional<std::int64_t> edit_lock(std::string_view name);
    void tickle_edit_lock(std::string_view name, std::int64_t token);
    /// Release the lock (clear_edit_lock / cancel_edit_zone).
    void release_edit_lock(std::string_view name, std::optional<std::int64_t> token);
    // edit_lock, release_edit_lock and saves first release a lock whose holder process,
    // on this host, has exited (EditExit, audited as clear_edit_lock with the reason).

private:
    struct NewZone {
        db::ZoneRecord zone;
        std::optional<std::pair<std::string, std::int64_t>> new_reference; ///< created
    };
    /// zone_cfg `key` for `sg`; with `cached`, remembered in m_defaults.
    std::optional<std::string> cfg_value(db::Transaction& tx, std::string_view key,
                                         std::optional<std::int64_t> sg, bool cached);
    /// A new zone's row: SG, reference and flags from the options and zone_cfg.
    NewZone new_zone_record(db::Transaction& tx, const std::string& zname, const CreateOptions& opt,
                            const ZoneData* content);
    /// A loaded zone's content as stored: name, zone TTL, TTLs, a fresh serial after
    /// `file_serial`. Idempotent (a retried transaction runs it again).
    void prepare_content(db::Transaction& tx, const db::ZoneRecord& z, ZoneData& data,
                         std::uint32_t file_serial, bool cached);
    /// What create_zone looks up (SGs, references, zone_cfg), kept for batch loads.
    struct Defaults {
        std::map<std::string, std::int64_t, std::less<>> sg_ids;  ///< by name
        std::map<std::string, std::int64_t, std::less<>> ref_ids; ///< by name, committed
        std::map<std::string, std::string, std::less<>> cfg;      ///< "key/sg" -> value
    };
    db::Session& m_session;
    const Config& m_config;
    Caller m_caller;
    Defaults m_defaults;
};

} // namespace dms::engine
