// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Ageing old rows (REFERENCE.md 7.9; engine/vacuum.hpp runs them in bounded batches,
// each its own transaction). Every delete here takes at most `batch` rows, oldest first,
// so that no vacuum holds long locks or builds one huge transaction.
//
// Contract: ages are in days (fractions allowed); a published or candidate ZI is never
// deleted, nor a zone that still has zone files (those are listed for ZoneSMDoDestroy);
// SQL failures are DatabaseError.

#include <cstdint>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db::vacuum {

/// Processed events (SUCCESS, FAILURE, CANCELLED) processed more than `age_days` ago.
std::int64_t events(Transaction& tx, double age_days, std::int64_t batch);

struct DeletedZone {
    std::int64_t id = 0;
    std::string name;
    bool zone_files = false; ///< its files still exist: ZoneSMDoDestroy's, not ours
};
/// DELETED zones nuked (no deleted_start) or deleted more than `age_days` ago, oldest id
/// first, at most `batch`, after id `after` (for paging), locked (SKIP LOCKED).
std::vector<DeletedZone> deleted_zones(Transaction& tx, double age_days, std::int64_t after,
                                       std::int64_t batch);
/// Delete these zones (their ZIs, records, update groups go with them; events keep
/// their history without the zone).
std::int64_t destroy_zones(Transaction& tx, const std::vector<std::int64_t>& ids);

/// Zones not DELETED with more than `max_num` ZIs, by id, after `after`, at most `batch`.
std::vector<std::int64_t> zones_with_many_zis(Transaction& tx, std::int64_t max_num,
                                              std::int64_t after, std::int64_t batch);
/// Of these zones, ZIs last changed more than `age_days` ago that are not among each
/// zone's newest `max_num` and are neither its published nor its candidate ZI: at most
/// `batch` deleted (with their records).
std::int64_t old_zis(Transaction& tx, const std::vector<std::int64_t>& zone_ids,
                     std::int64_t max_num, double age_days, std::int64_t batch);

/// DELETED zones deleted more than `age_days` ago (and nuked ones) that still have ZIs
/// besides their published and candidate ones, by id after `after`, at most `batch`.
std::vector<std::int64_t> deleted_zones_to_pare(Transaction& tx, double age_days,
                                                std::int64_t after, std::int64_t batch);
/// Of these zones, every ZI but the published and candidate ones: at most `batch`.
std::int64_t pare_zis(Transaction& tx, const std::vector<std::int64_t>& zone_ids,
                      std::int64_t batch);

/// Audit rows older than `age_days` (never younger than 30 days: the database function
/// dms_vacuum_audit enforces it), at most `batch`.
std::int64_t audit(Transaction& tx, double age_days, std::int64_t batch);

} // namespace dms::db::vacuum
