// SPDX-License-Identifier: GPL-3.0-or-later
// The database side of ZoneSM's context (see zone_context.hpp).
#include "dms/engine/zone_context.hpp"

#include <random>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zis.hpp"
#include "dms/sm/master_sm.hpp"

namespace dms::engine {
namespace {

using namespace std::chrono_literals;

/// How long past the hold a zone's reconfiguration-bound event waits if dmsd's
/// "master reconfigured" signal never comes. Normally the master's reconfiguration
/// wakes it first; firing early, before named has the zone, would send the zone down
/// the reset path, so the margin is generous (a reconfig of tens of thousands of zones
/// takes seconds).
constexpr auto reconfig_margin = 30s;

std::chrono::seconds ceil_seconds(std::chrono::milliseconds ms) {
    return std::chrono::ceil<std::chrono::seconds>(ms);
}

} // namespace

sm::ZoneRow to_zone_row(const db::ZoneRecord& z) {
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

void from_zone_row(const sm::ZoneRow& r, db::ZoneRecord& z) {
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

std::string zone_event_params_json(const sm::ZoneRow& row, const sm::ZoneEventParams& p) {
    boost::json::object o{{"name", row.name}};
    if (p.zi_id) {
        o["zi_id"] = *p.zi_id;
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

sm::ZoneEventParams zone_event_params_from_json(const std::string& json) {
    sm::ZoneEventParams p;
    try {
        const auto v = boost::json::parse(json);
        const auto& o = v.as_object();
        const auto id = [&](std::string_view key) -> std::optional<std::int64_t> {
            const auto* f = o.if_contains(key);
            return f && !f->is_null() ? std::optional(f->to_number<std::int64_t>()) : std::nullopt;
        };
        p.zi_id = id("zi_id");
        // A "publish_zi_id" of events queued by older versions is ignored: publishing
        // takes the candidate.
        p.edit_lock_token = id("edit_lock_token");
        if (const auto s = id("candidate_soa_serial")) {
            p.candidate_soa_serial = static_cast<std::uint32_t>(*s);
        }
        if (const auto* f = o.if_contains("locked_by")) {
            p.locked_by = std::string(f->as_string());
        }
        if (const auto* f = o.if_contains("alt_sg_name"); f && !f->is_null()) {
            p.alt_sg_name = std::string(f->as_string());
        }
        if (const auto* f = o.if_contains("wrap_soa_serial")) {
            p.wrap_soa_serial = f->as_bool();
        }
        if (const auto* f = o.if_contains("force_soa_serial_update")) {
            p.force_soa_serial_update = f->as_bool();
        }
    } catch (const std::exception& e) {
        throw Error(ErrorCode::internal,
                    fmt::format("bad zone event parameters {}: {}", json, e.what()));
    }
    return p;
}

sm::TimePoint ZoneDbContext::now() {
    return std::chrono::system_clock::now();
}

std::chrono::seconds ZoneDbContext::edit_lock_timeout() {
    return ceil_seconds(m_config.duration("edit_lock_timeout"));
}

std::int64_t ZoneDbContext::queue_zone_event(const sm::ZoneRow& row, sm::EventType type,
                                             std::chrono::seconds delay,
                                             const sm::ZoneEventParams& p) {
    db::NewEvent e;
    e.event_type = std::string(sm::to_string(type));
    e.zone_id = row.id;
    e.parameters = zone_event_params_json(row, p);
    e.delay = delay;
    // An edit lock's token is its timeout event's id: never share one.
    e.coalesce = type != sm::EventType::zone_edit_timeout;
    if (m_batch && e.coalesce) {
        m_batch->events.add(std::move(e));
        return 0;
    }
    return db::events::insert(m_tx, e);
}

void ZoneDbContext::cancel_event(std::int64_t id, std::string_view why) {
    db::events::cancel(m_tx, id, why);
}

void ZoneDbContext::reschedule_event(std::int64_t id, std::chrono::seconds delay) {
    db::events::reschedule(m_tx, id, delay);
}

void ZoneDbContext::reconfig_schedule(const sm::ZoneRow& row, sm::EventType zone_event,
                                      bool randomize, bool master_reconfig,
                                      const sm::ZoneEventParams& p) {
    // REFERENCE.md 3.1.1 with the short coalescing hold of ARCHITECTURE.md 3: ask the
    // master for a (partial) reconfig, then run the zone's event once the master is done.
    // The request is always queued (the original skipped it while the master held one
    // covering the zone, which races with the hold ending); coalescing makes that cheap:
    // it merges into a pending identical request, whose row it locks until this
    // transaction commits, so the master runs the request only after it and sees this
    // zone. A request arriving while the master holds only marks what to do at the end.
    if (m_batch && !m_batch->master) {
        m_batch->master = db::master::get(m_tx);
    }
    const auto master = m_batch ? *m_batch->master : db::master::get(m_tx);
    const bool holding = master.state == "HOLD";
    if (master_reconfig || !row.sg_id) {
        queue_master("MasterSMMasterReconfig", "{}");
    } else {
        queue_master_partial_reconfig(*row.sg_id);
    }
    const auto hold = m_config.duration("master_hold_timeout");
    auto delay = ceil_seconds(hold) + reconfig_margin;
    if (holding && master.hold_stop) {
        delay += ceil_seconds(std::chrono::duration_cast<std::chrono::milliseconds>(
            std::max(*master.hold_stop - now(), sm::TimePoint::duration::zero())));
    }
    if (randomize) {
        static thread_local std::mt19937 rng{std::random_device{}()};
        const auto spread = std::max<long>(1, ceil_seconds(hold).count());
        delay += std::chrono::seconds(std::uniform_int_distribution<long>(0, spread)(rng));
    }
    queue_zone_event(row, zone_event, delay, p);
}

void ZoneDbContext::queue_master_partial_reconfig(std::int64_t sg_id) {
    queue_master("MasterSMPartialReconfig", partial_reconfig_params(sg_id));
}

void ZoneDbContext::queue_unmerged_partial_reconfig(std::int64_t sg_id) {
    queue_master("MasterSMPartialReconfig", partial_reconfig_params(sg_id), false);
}

std::string ZoneDbContext::partial_reconfig_params(std::int64_t sg_id) {
    std::string name;
    if (m_batch && m_batch->sg_names.contains(sg_id)) {
        name = m_batch->sg_names.at(sg_id);
    } else {
        const auto sg = db::sgs::find_by_id(m_tx, sg_id);
        name = sg ? sg->name : std::string();
        if (m_batch) {
            m_batch->sg_names.emplace(sg_id, name);
        }
    }
    return boost::json::serialize(boost::json::object{{"sg_id", sg_id}, {"sg_name", name}});
}

bool ZoneDbContext::other_live_zone(const sm::ZoneRow& row) {
    return db::zones::other_live(m_tx, row.name, row.id);
}

bool ZoneDbContext::other_served_zone(const sm::ZoneRow& row) {
    return db::zones::other_served(m_tx, row.name, row.id);
}

bool ZoneDbContext::zi_exists(const sm::ZoneRow& row, std::int64_t zi_id) {
    const auto h = db::zis::find(m_tx, zi_id);
    return h && h->zone_id == row.id;
}

std::optional<std::int64_t> ZoneDbContext::find_sg(std::string_view name) {
    const auto sg = db::sgs::find(m_tx, name);
    return sg ? std::optional<std::int64_t>(sg->id) : std::nullopt;
}

void ZoneDbContext::destroy_zone(const sm::ZoneRow& row) {
    db::zones::destroy(m_tx, row.id);
    m_destroyed = true;
}

namespace {
[[noreturn]] void dmsd_only(const sm::ZoneRow& row) {
    throw Error(ErrorCode::internal,
                fmt::format("zone {}: a named action was asked of a synchronous event; only "
                            "dmsd runs those",
                            row.name));
}
} // namespace

ZoneDbContext::NamedSoa ZoneDbContext::query_named_soa(const sm::ZoneRow& row) {
    dmsd_only(row);
}
void ZoneDbContext::write_zone_file(const sm::ZoneRow& row) {
    dmsd_only(row);
}
void ZoneDbContext::remove_zone_files(const sm::ZoneRow& row) {
    dmsd_only(row);
}
ZoneDbContext::PublishResult ZoneDbContext::publish(sm::ZoneRow& row, const sm::ZoneEventParams&) {
    dmsd_only(row);
}

void ZoneDbContext::queue_master(std::string_view type, const std::string& params, bool coalesce) {
    db::NewEvent e;
    e.event_type = std::string(type);
    e.master_id = 1;
    e.parameters = params;
    e.coalesce = coalesce;
    if (m_batch) {
        m_batch->events.add(std::move(e));
        return;
    }
    db::events::insert(m_tx, e);
}

} // namespace dms::engine
