// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Vacuum (REFERENCE.md 7.9, 5.2): ageing old events, deleted zones, zone instances and
// audit rows. Each operation deletes in batches of at most `batch` rows (or zones),
// each batch its own short transaction, so that a vacuum of millions of rows never
// holds long locks or builds one huge transaction; it stops when a batch finds nothing.
//
// Contract:
//  - Ages come from zone_cfg (event_max_age, zone_del_age, zi_max_age, zi_max_num,
//    zone_del_pare_age, syslog_max_age) unless given; days, fractions allowed.
//    zone_del_age 0 means "off": only nuked zones go (the original's zone_del_off_age,
//    366,000 days); zone_del_pare_age 0 means no paring at all.
//  - Never a published or candidate ZI; a deleted zone whose files still exist is not
//    deleted: the removal of its files is queued (ZoneSMRemoveZoneFiles), and the next
//    vacuum destroys it.
//  - Only on the live master: on a read-only standby every operation throws
//    dms::Error(ErrorCode::db_read_only) before deleting anything.
//  - Audit rows younger than 30 days are never deleted, whatever the age asked
//    (the database function dms_vacuum_audit enforces it).
//  - Each operation that removed something writes one audit row with its counts.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/db/session.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

struct VacuumResult {
    std::string operation;                 ///< "vacuum_event_queue", ...
    std::string what;                      ///< "events", "zones", "zone instances", "audit rows"
    double age_days = 0;                   ///< the age used
    std::int64_t removed = 0;              ///< rows (zones for vacuum_zones) deleted
    std::int64_t batches = 0;              ///< transactions that deleted something
    std::vector<std::string> zones;        ///< vacuum_zones: the zones destroyed
    std::vector<std::string> files_queued; ///< vacuum_zones: zones whose files go first
    std::string note;                      ///< e.g. "off (zone_del_pare_age 0)"
};

class VacuumEngine {
public:
    VacuumEngine(db::Session& session, const Config& config, Caller caller,
                 std::int64_t batch = 1000);

    VacuumResult event_queue(std::optional<double> age_days = std::nullopt);
    VacuumResult zones(std::optional<double> age_days = std::nullopt);
    VacuumResult zis(std::optional<double> age_days = std::nullopt,
                     std::optional<std::int64_t> max_num = std::nullopt);
    VacuumResult pare_deleted_zone_zis(std::optional<double> age_days = std::nullopt);
    VacuumResult audit(std::optional<double> age_days = std::nullopt);
    /// All five with zone_cfg's ages, in that order.
    std::vector<VacuumResult> all();

private:
    /// One batch's delete in its transaction: rows removed.
    using Batch = std::function<std::int64_t(db::Transaction&)>;
    /// The next page of zone ids after the given id (empty: done).
    using ZonePage = std::function<std::vector<std::int64_t>(db::Transaction&, std::int64_t)>;
    /// One batch's delete among a page of zones.
    using ZoneBatch =
        std::function<std::int64_t(db::Transaction&, const std::vector<std::int64_t>&)>;

    /// Batches, each its own transaction, until one removes nothing; counted into `r`.
    void drain(VacuumResult& r, const Batch& one_batch);
    /// drain() over the zones a page at a time.
    void drain_by_zone(VacuumResult& r, const ZonePage& next_page, const ZoneBatch& one_batch);
    void require_primary();
    double cfg_days(const char* key, double fallback);
    void record(const VacuumResult& r);

    db::Session& m_session;
    const Config& m_config;
    Caller m_caller;
    std::int64_t m_batch;
};

} // namespace dms::engine
