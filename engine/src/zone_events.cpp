// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's side of ZoneSM: a context whose actions write to the database in
// the caller's transaction, and the runner that records each synchronous event.
#include "zone_events.hpp"

#include <random>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/catalog.hpp"
#include "dms/db/events.hpp"
#include "dms/db/zis.hpp"
#include "dms/sm/catalogue.hpp"

namespace dms::engine::detail {
namespace {

using namespace std::chrono_literals;

sm::ZoneRow to_row(const db::ZoneRecord& z) {
    sm::ZoneRow r;
    r.id = z.id;
    r.name = z.name;
    r.state = sm::from_string<sm::ZoneState>(z.state).value_or(sm::ZoneState::init);
    r.lock_state =
        sm::from_string<sm::LockState>(z.lock_state).value_or(sm::LockState::edit_unlock);
    r.zi_id = z.zi_id;
    r.zi_candidate_id = z.zi_candidate_id;
    if (z.soa_serial) {
        r.soa_serial = static_cast<std::uint32_t>(*z.soa_serial);
    }
    r.use_apex_ns = z.use_apex_ns;
    r.edit_lock = z.edit_lock;
    r.auto_dnssec = z.auto_dnssec;
    r.nsec3 = z.nsec3;
    r.inc_updates = z.inc_updates;
    r.zone_files = z.zone_files;
    r.edit_lock_token = z.edit_lock_token;
    r.locked_by = z.locked_by;
    r.locked_at = z.locked_at;
    r.deleted_start = z.deleted_start;
    r.sg_id = z.sg_id;
    r.alt_sg_id = z.alt_sg_id;
    return r;
}

void from_row(const sm::ZoneRow& r, db::ZoneRecord& z) {
    z.state = std::string(sm::to_string(r.state));
    z.lock_state = std::string(sm::to_string(r.lock_state));
    z.zi_id = r.zi_id;
    z.zi_candidate_id = r.zi_candidate_id;
    z.soa_serial = r.soa_serial ? std::optional<std::int64_t>(*r.soa_serial) : std::nullopt;
    z.use_apex_ns = r.use_apex_ns;
    z.edit_lock = r.edit_lock;
    z.auto_dnssec = r.auto_dnssec;
    z.nsec3 = r.nsec3;
    z.inc_updates = r.inc_updates;
    z.zone_files = r.zone_files;
    z.edit_lock_token = r.edit_lock_token;
    z.locked_by = r.locked_by;
    z.locked_at = r.locked_at;
    z.deleted_start = r.deleted_start;
    z.sg_id = r.sg_id;
    z.alt_sg_id = r.alt_sg_id;
}

std::string params_json(const sm::ZoneRow& row, const sm::ZoneEventParams& p) {
    boost::json::object o{{"name", row.name}};
    if (p.zi_id) {
        o["zi_id"] = *p.zi_id;
    }
    if (p.publish_zi_id) {
        o["publish_zi_id"] = *p.publish_zi_id;
    }
    if (p.edit_lock_token) {
        o["edit_lock_token"] = *p.edit_lock_token;
    }
    if (!p.locked_by.empty()) {
        o["locked_by"] = p.locked_by;
    }
    if (p.wrap_soa_serial) {
        o["wrap_soa_serial"] = true;
    }
    if (p.force_soa_serial_update) {
        o["force_soa_serial_update"] = true;
    }
    if (p.candidate_soa_serial) {
        o["candidate_soa_serial"] = *p.candidate_soa_serial;
    }
    if (p.alt_sg_name) {
        o["alt_sg_name"] = *p.alt_sg_name;
    }
    return boost::json::serialize(o);
}

/// ZoneSmContext for synchronous events: everything goes into the caller's
/// transaction. The named-side actions belong to dmsd and are never reached from
/// synchronous events (the transition table runs them only for queued ones).
class EngineContext : public sm::ZoneSmContext {
public:
    EngineContext(db::Transaction& tx, const Config& config) : m_tx(tx), m_config(config) {}

    sm::TimePoint now() override { return std::chrono::system_clock::now(); }

    std::chrono::seconds edit_lock_timeout() override {
        return std::chrono::seconds(
            static_cast<long>(std::stod(m_config.value("edit_lock_timeout"))));
    }

    std::int64_t queue_zone_event(const sm::ZoneRow& row, sm::EventType type,
                                  std::chrono::seconds delay,
                                  const sm::ZoneEventParams& p) override {
        db::NewEvent e;
        e.event_type = std::string(sm::to_string(type));
        e.zone_id = row.id;
        e.parameters = params_json(row, p);
        e.delay = delay;
        return db::events::insert(m_tx, e);
    }

    void cancel_event(std::int64_t id, std::string_view why) override {
        db::events::cancel(m_tx, id, why);
    }

    void reschedule_event(std::int64_t id, std::chrono::seconds delay) override {
        db::events::reschedule(m_tx, id, delay);
    }

    void reconfig_schedule(const sm::ZoneRow& row, sm::EventType zone_event, bool randomize,
                           bool master_reconfig, const sm::ZoneEventParams& p) override {
        // REFERENCE.md 3.1.1, with the short coalescing hold of ARCHITECTURE.md 3:
        // ask the master for a (partial) reconfig unless it already holds one that
        // covers this zone, then run the zone's event after the hold.
        const auto master = db::catalog::master(m_tx);
        const bool holding = master.state == "HOLD";
        if (master_reconfig) {
            if (!holding || master.hold_sg == 0) {
                queue_master("MasterSMMasterReconfig", "{}");
            }
        } else if (row.sg_id &&
                   !(holding && (master.hold_sg == *row.sg_id || master.hold_sg == -2))) {
            queue_master_partial_reconfig(*row.sg_id);
        }
        auto delay = 2s;
        if (holding && master.hold_stop) {
            delay += std::chrono::duration_cast<std::chrono::seconds>(
                std::max(*master.hold_stop - now(), sm::TimePoint::duration::zero()));
        }
        if (randomize) {
            static thread_local std::mt19937 rng{std::random_device{}()};
            delay += std::chrono::seconds(std::uniform_int_distribution<int>(0, 30)(rng));
        }
        queue_zone_event(row, zone_event, delay, p);
    }

    void queue_master_partial_reconfig(std::int64_t sg_id) override {
        const auto sg = db::catalog::find_sg_by_id(m_tx, sg_id);
        queue_master("MasterSMPartialReconfig",
                     boost::json::serialize(boost::json::object{
                         {"sg_id", sg_id}, {"sg_name", sg ? sg->name : std::string()}}));
    }

    bool other_live_zone(const sm::ZoneRow& row) override {
        return db::zones::other_live(m_tx, row.name, row.id);
    }

    bool other_served_zone(const sm::ZoneRow& row) override {
        return db::zones::other_served(m_tx, row.name, row.id);
    }

    bool zi_exists(const sm::ZoneRow& row, std::int64_t zi_id) override {
        const auto h = db::zis::find(m_tx, zi_id);
        return h && h->zone_id == row.id;
    }

    std::optional<std::int64_t> find_sg(std::string_view name) override {
        const auto sg = db::catalog::find_sg(m_tx, name);
        return sg ? std::optional<std::int64_t>(sg->id) : std::nullopt;
    }

    void destroy_zone(const sm::ZoneRow& row) override {
        db::zones::destroy(m_tx, row.id);
        m_destroyed = true;
    }

    NamedSoa query_named_soa(const sm::ZoneRow& row) override { return dmsd_only(row); }
    void write_zone_file(const sm::ZoneRow& row) override { dmsd_only(row); }
    void remove_zone_files(const sm::ZoneRow& row) override { dmsd_only(row); }
    PublishResult publish(sm::ZoneRow& row, const sm::ZoneEventParams&) override {
        dmsd_only(row);
        return PublishResult::fatal;
    }

    bool destroyed() const { return m_destroyed; }

private:
    [[noreturn]] NamedSoa dmsd_only(const sm::ZoneRow& row) {
        throw Error(ErrorCode::internal,
                    fmt::format("zone {}: a named action was asked of a synchronous event; only "
                                "dmsd runs those",
                                row.name));
    }

    void queue_master(const std::string& type, const std::string& params) {
        db::NewEvent e;
        e.event_type = type;
        e.master_id = 1;
        e.parameters = params;
        db::events::insert(m_tx, e);
    }

    db::Transaction& m_tx;
    const Config& m_config;
    bool m_destroyed = false;
};

} // namespace

sm::Outcome run_zone_event(db::Transaction& tx, const Config& config, db::ZoneRecord& zone,
                           sm::EventType type, const sm::ZoneEventParams& params,
                           std::string_view change_by) {
    EngineContext ctx(tx, config);
    auto row = to_row(zone);
    const auto before = zone.state;
    sm::ZoneEvent ev{type, params, 0};
    const auto outcome = sm::process_zone_event(row, ev, ctx);
    const auto type_name = std::string(sm::to_string(type));
    if (outcome.error) {
        // The caller's transaction rolls back: nothing of this attempt stays.
        throw Error(*outcome.error, outcome.message);
    }
    boost::json::object results{{"message", outcome.message},
                                {"pre_event_sm_state", before},
                                {"post_event_sm_state", std::string(sm::to_string(row.state))},
                                {"change_by", std::string(change_by)}};
    if (outcome.edit_lock_token) {
        results["edit_lock_token"] = *outcome.edit_lock_token;
    }
    db::NewEvent rec;
    rec.event_type = type_name;
    rec.parameters = params_json(row, params);
    rec.done = db::NewEvent::Done{"SUCCESS", static_cast<int>(outcome.code),
                                  boost::json::serialize(results)};
    if (ctx.destroyed()) {
        db::events::insert(tx, rec);
        return outcome;
    }
    rec.zone_id = zone.id;
    db::events::insert(tx, rec);
    from_row(row, zone);
    db::zones::update(tx, zone);
    log::debug("zone " + zone.name, type_name, "{} -> {}: {}", before, zone.state, outcome.message);
    return outcome;
}

} // namespace dms::engine::detail
