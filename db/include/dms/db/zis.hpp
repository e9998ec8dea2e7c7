// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Zone instances (ZIs) with their records and comments.
//
// Contract: load() returns std::nullopt for an unknown ZI; records are written
// with COPY, so a ZI of a million records is one statement's work. SQL failures
// are DatabaseError.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dms/core/zone.hpp"
#include "dms/db/session.hpp"

namespace dms::db {

struct ZiRecord {
    std::int64_t id = 0;
    std::int64_t zone_id = 0;
    std::chrono::system_clock::time_point ctime{};
    std::chrono::system_clock::time_point mtime{};
    std::optional<std::chrono::system_clock::time_point> ptime;
    std::string change_by;
    std::uint32_t soa_serial = 0;
    std::size_t rr_count = 0; ///< filled by list() only
};

namespace zis {

struct InsertOptions {
    std::string change_by;
    /// Keep these times (copy_zi); default: now.
    std::optional<std::chrono::system_clock::time_point> ctime;
    std::optional<std::chrono::system_clock::time_point> mtime;
};

/// Store `zone` (SOA fields, zone TTL, groups, records, comments, record
/// references — created when missing) as a new ZI of zone `zone_id`.
std::int64_t insert(Transaction& tx, std::int64_t zone_id, const ZoneData& zone,
                    const InsertOptions& options);

/// A new ZI for insert_many(): its zone and content.
struct NewZi {
    std::int64_t zone_id = 0;
    const ZoneData* zone = nullptr;
};

/// insert() for many ZIs of distinct zones with a few statements for all (the chunks
/// of load_zones). Returns the new ZIs' ids, in the order of `items`.
std::vector<std::int64_t> insert_many(Transaction& tx, const std::vector<NewZi>& items,
                                      std::string_view change_by);

/// Load a ZI's content (name and reference are the caller's: they live on the
/// zone). `header` receives the ZI's own fields.
std::optional<ZoneData> load(Transaction& tx, std::int64_t zi_id, ZiRecord* header = nullptr);

/// Load several ZIs at once (two statements in all), by id; unknown ids are absent.
std::map<std::int64_t, ZoneData> load_many(Transaction& tx, const std::vector<std::int64_t>& ids);

/// The ZI's header only.
std::optional<ZiRecord> find(Transaction& tx, std::int64_t zi_id);

/// A zone's ZIs, newest first (ctime, then id).
std::vector<ZiRecord> list(Transaction& tx, std::int64_t zone_id);

/// Delete a ZI of a zone; false if there was none.
bool remove(Transaction& tx, std::int64_t zone_id, std::int64_t zi_id);

/// Set the publication time (now) of a ZI.
void mark_published(Transaction& tx, std::int64_t zi_id);
/// The same for many ZIs in one statement: (zi id, serial) pairs.
void mark_published(Transaction& tx,
                    const std::vector<std::pair<std::int64_t, std::uint32_t>>& zis);
/// Set the publication time and the serial named serves it with.
void mark_published(Transaction& tx, std::int64_t zi_id, std::uint32_t serial);

} // namespace zis
} // namespace dms::db
