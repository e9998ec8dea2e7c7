// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The database side of ZoneSM's context, shared by the engine (synchronous events, in
// zone_tool's or the API's transaction) and dmsd (queued events, in the event's
// transaction, which adds the named side by overriding the named actions).
//
// reconfig_schedule (REFERENCE.md 3.1.1) always queues the master's reconfiguration,
// coalesced with a pending identical one: the pending request stays share-locked until
// this transaction commits, so the master runs it only after this change and never
// misses the zone. The zone's event is due after the hold plus a margin, and dmsd makes
// it due at once when the master has been reconfigured with the zone (explicit
// completion; the delay only matters if that signal is lost).
//
// Contract: as sm::ZoneSmContext. The named actions of this class throw
// dms::Error(ErrorCode::internal): only dmsd's subclass performs them.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "dms/core/config.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/session.hpp"
#include "dms/db/zones.hpp"
#include "dms/sm/zone_sm.hpp"

namespace dms::engine {

/// sm::ZoneRow <-> db::ZoneRecord.
sm::ZoneRow to_zone_row(const db::ZoneRecord& z);
void from_zone_row(const sm::ZoneRow& r, db::ZoneRecord& z);
/// The JSON parameters of a zone event (with the zone's name, as the original).
std::string zone_event_params_json(const sm::ZoneRow& row, const sm::ZoneEventParams& p);
/// And back; unknown keys are ignored, wrong types throw dms::Error(ErrorCode::internal).
sm::ZoneEventParams zone_event_params_from_json(const std::string& json);

/// What the contexts of one transaction's many zone events share (a batch of zone
/// events in dmsd, a chunk of load_zones): the events they queue, written with a few
/// statements at the transaction's end (EventBuffer::flush), and look-ups that are the
/// same for all of them.
struct ZoneBatch {
    db::EventBuffer events;
    std::optional<db::MasterRecord> master; ///< read by the first reconfig_schedule
    std::map<std::int64_t, std::string, std::less<>> sg_names;
};

class ZoneDbContext : public sm::ZoneSmContext {
public:
    /// With `batch`, queued events (but an edit lock's timeout, whose id is its token)
    /// go to batch->events and queue_zone_event returns 0.
    ZoneDbContext(db::Transaction& tx, const Config& config, ZoneBatch* batch = nullptr)
        : m_tx(tx), m_config(config), m_batch(batch) {}

    sm::TimePoint now() override;
    std::chrono::seconds edit_lock_timeout() override;
    std::int64_t queue_zone_event(const sm::ZoneRow& row, sm::EventType type,
                                  std::chrono::seconds delay,
                                  const sm::ZoneEventParams& params) override;
    void cancel_event(std::int64_t event_id, std::string_view why) override;
    void reschedule_event(std::int64_t event_id, std::chrono::seconds delay) override;
    void reconfig_schedule(const sm::ZoneRow& row, sm::EventType zone_event, bool randomize,
                           bool master_reconfig, const sm::ZoneEventParams& params) override;
    void queue_master_partial_reconfig(std::int64_t sg_id) override;
    /// The same, never merged into a pending request: one that a reconfiguration in
    /// progress may have merged would run before this transaction's change is seen.
    void queue_unmerged_partial_reconfig(std::int64_t sg_id);
    bool other_live_zone(const sm::ZoneRow& row) override;
    bool other_served_zone(const sm::ZoneRow& row) override;
    bool zi_exists(const sm::ZoneRow& row, std::int64_t zi_id) override;
    std::optional<std::int64_t> find_sg(std::string_view name) override;
    void destroy_zone(const sm::ZoneRow& row) override;

    NamedSoa query_named_soa(const sm::ZoneRow& row) override;
    void write_zone_file(const sm::ZoneRow& row) override;
    void remove_zone_files(const sm::ZoneRow& row) override;
    PublishResult publish(sm::ZoneRow& row, const sm::ZoneEventParams& params) override;

    bool destroyed() const { return m_destroyed; }

protected:
    db::Transaction& tx() { return m_tx; }
    const Config& config() const { return m_config; }
    /// Queue a MasterSM event (coalesced with an identical pending one unless told not).
    void queue_master(std::string_view type, const std::string& params_json, bool coalesce = true);

private:
    /// {"sg_id", "sg_name"} of a MasterSMPartialReconfig.
    std::string partial_reconfig_params(std::int64_t sg_id);

    db::Transaction& m_tx;
    const Config& m_config;
    ZoneBatch* m_batch;
    bool m_destroyed = false;
};

} // namespace dms::engine
