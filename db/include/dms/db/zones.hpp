// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// sm_zone rows: one per zone incarnation.
//
// Contract: find_* return std::nullopt when there is no such row; SQL failures are
// DatabaseError (see session.hpp). `for_update` takes the row lock that serialises
// every change to one zone (zone_tool, the API and dmsd): FOR NO KEY UPDATE, which
// does not block inserts of events that refer to the zone (their foreign key only
// needs KEY SHARE).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db {

using TimePoint = std::chrono::system_clock::time_point;

struct ZoneRecord {
    std::int64_t id = 0;
    std::string name;
    std::string state = "INIT";
    std::string zone_type = "DynDNSZoneSM";
    std::optional<std::int64_t> zi_id;
    std::optional<std::int64_t> zi_candidate_id;
    std::optional<std::int64_t> soa_serial;
    bool use_apex_ns = true;
    bool edit_lock = false;
    bool auto_dnssec = false;
    bool nsec3 = false;
    bool inc_updates = false;
    bool zone_files = false;
    std::string lock_state = "EDIT_UNLOCK";
    std::optional<std::int64_t> edit_lock_token;
    std::string locked_by;
    std::optional<TimePoint> locked_at;
    std::optional<std::int64_t> sg_id;
    std::optional<std::int64_t> alt_sg_id;
    std::optional<std::int64_t> ref_id;
    std::optional<TimePoint> deleted_start;
    TimePoint ctime{};
    TimePoint mtime{};
    // Read-only, joined for display:
    std::string sg_name;
    std::string alt_sg_name;
    std::string reference;
};

/// Which zones list_zones() returns.
struct ZoneFilter {
    std::vector<std::string> patterns;    ///< names with * and ? wildcards; empty: all
    std::optional<std::string> reference; ///< case-insensitive, wildcards allowed
    std::optional<std::string> sg_name;
    enum class Deleted { exclude, only, include } deleted = Deleted::exclude;
    bool exclude_disabled = false;
};

/// A zone as the master's named.conf includes see it (REFERENCE.md 8.2).
struct MasterConfigZone {
    std::int64_t id = 0;
    std::string name;
    std::string state;
    bool auto_dnssec = false;
    bool nsec3 = false;
    std::optional<std::int64_t> sg_id, alt_sg_id;
    /// In a state named must serve (UNCONFIG, BATCH_CREATE_2, PUBLISHED, UPDATE, INIT);
    /// otherwise listed only because an event waits for named to drop it.
    bool configured = false;
};

/// A zone restore_named_db writes: its ZI to publish (the candidate, else the published).
struct RestoreZone {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> sg_id;
    bool use_apex_ns = true;
    std::int64_t zi_id = 0;                       ///< the ZI to restore: the candidate
    std::optional<std::int64_t> published_zi_id;  ///< the ZI dms last published, if any
    std::optional<std::int64_t> published_serial; ///< its serial (what the slaves have)
};
struct Restored {
    std::int64_t id = 0;
    std::int64_t zi_id = 0;
    std::uint32_t serial = 0;
};

namespace zones {

std::optional<ZoneRecord> find_live(Transaction& tx, std::string_view name,
                                    bool for_update = false);
std::optional<ZoneRecord> find_by_id(Transaction& tx, std::int64_t id, bool for_update = false);
std::vector<ZoneRecord> list(Transaction& tx, const ZoneFilter& filter);

/// Insert a new row; returns its id. name/state/flags/sg/ref come from `z`.
std::int64_t insert(Transaction& tx, const ZoneRecord& z);
/// insert() for many zones of distinct names with one statement; sets each one's id.
void insert_many(Transaction& tx, std::vector<ZoneRecord>& zones);
/// Those of `names` (normalised) that name a live zone.
std::vector<std::string> live_names(Transaction& tx, const std::vector<std::string>& names);
/// Write back every mutable column (state machine fields, flags, SGs, reference).
void update(Transaction& tx, const ZoneRecord& z);
/// update() for each of `zones` (distinct ids), with one statement.
void update_many(Transaction& tx, const std::vector<ZoneRecord>& zones);
/// The zones of `ids` that exist, in no particular order (no lock taken).
std::vector<ZoneRecord> find_by_ids(Transaction& tx, const std::vector<std::int64_t>& ids);
/// Delete the row and (cascade) its ZIs, records, sectags and update groups.
void destroy(Transaction& tx, std::int64_t id);

/// The row locked FOR UPDATE without waiting: std::nullopt with `busy` set when
/// another transaction holds it, with `busy` clear when there is no such zone.
std::optional<ZoneRecord> try_lock(Transaction& tx, std::int64_t id, bool& busy);

/// Every zone neither DISABLED nor DELETED that has a ZI, by name.
std::vector<RestoreZone> restore_list(Transaction& tx);
/// Mark zones PUBLISHED with the given ZI and serial, their files written (one statement).
void mark_restored(Transaction& tx, const std::vector<Restored>& zones);

/// Up to `n` PUBLISHED zones with a serial, chosen at random.
std::vector<ZoneRecord> sample_published(Transaction& tx, std::size_t n);

/// Every zone named must serve, and every zone with an event waiting for named to
/// drop it, by name; one snapshot.
std::vector<MasterConfigZone> master_config(Transaction& tx);

/// Another row named `name` (not `id`) that is not DELETED.
bool other_live(Transaction& tx, std::string_view name, std::int64_t id);
/// Another row named `name` (not `id`) that is neither DELETED nor DISABLED.
bool other_served(Transaction& tx, std::string_view name, std::int64_t id);

} // namespace zones
} // namespace dms::db
