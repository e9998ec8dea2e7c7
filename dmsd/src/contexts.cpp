// SPDX-License-Identifier: GPL-3.0-or-later
#include "contexts.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/queue.hpp"
#include "dms/db/sgs.hpp"
#include "dms/engine/master_config.hpp"
#include "dms/engine/zone_files.hpp"

#include "publish.hpp"

namespace dms::dmsd {

DmsdZoneContext::NamedSoa DmsdZoneContext::query_named_soa(const sm::ZoneRow& row) {
    const auto soa = m_named.zone_soa(row.name);
    m_detail = soa.detail;
    switch (soa.kind) {
    case drivers::ZoneSoa::Kind::served:
        return NamedSoa::ok;
    case drivers::ZoneSoa::Kind::not_served:
        return NamedSoa::reset;
    case drivers::ZoneSoa::Kind::not_loaded:
        if (auto why = m_named.zone_load_problem(row.name)) {
            m_detail = "named cannot load the zone file: " + *why;
            return NamedSoa::unloadable;
        }
        break;
    case drivers::ZoneSoa::Kind::unknown:
        break;
    }
    return NamedSoa::error;
}

void DmsdZoneContext::write_zone_file(const sm::ZoneRow& row) {
    const auto zi = row.zi_candidate_id ? row.zi_candidate_id : row.zi_id;
    const auto pz = zi ? engine::publishable_zone(tx(), row.name, *zi, row.use_apex_ns, row.sg_id)
                       : std::nullopt;
    if (!pz) {
        throw Error(ErrorCode::zi_not_found,
                    fmt::format("zone {}: no zone instance to write ({})", row.name,
                                zi ? std::to_string(*zi) : "none"));
    }
    m_named.write_zone_file(row.name, engine::zone_file_text(pz->data), m_files);
}

void DmsdZoneContext::remove_zone_files(const sm::ZoneRow& row) {
    m_named.remove_zone_files(row.name);
}

DmsdZoneContext::PublishResult DmsdZoneContext::publish(sm::ZoneRow& row,
                                                        const sm::ZoneEventParams& params) {
    auto o = publish_zone(tx(), m_named, row, params);
    m_detail = std::move(o.detail);
    return o.result;
}

sm::TimePoint DmsdMasterContext::now() {
    return std::chrono::system_clock::now();
}

std::chrono::milliseconds DmsdMasterContext::hold_timeout() {
    // Long enough that re-reading the configuration stays a small part of named's time.
    using namespace std::chrono_literals;
    const auto hold = m_config.duration("master_hold_timeout");
    const auto factor = m_config.number("master_hold_reconfig_factor");
    if (!m_reconfig_took || factor <= 0) {
        return hold;
    }
    return std::max(hold, std::min<std::chrono::milliseconds>(*m_reconfig_took * factor, 60s));
}

void DmsdMasterContext::reconfigure(Scope scope, std::optional<std::int64_t> sg_id) {
    const auto snapshot = engine::load_master_config(m_tx);
    m_named.write_master_config(snapshot.config);
    const auto started = std::chrono::steady_clock::now();
    m_named.reconfig();
    m_reconfig_took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    record_master_identity(m_tx, m_config);
    // Explicit completion: zones that waited for this reconfiguration go now.
    const auto woken =
        db::queue::wake_after_reconfig(m_tx, snapshot.configured, snapshot.unconfigured);
    // The server groups' slave configs (REFERENCE.md 3.2): the SG asked for and the
    // replica SG, or every SG.
    if (scope != Scope::master) {
        const auto replica = db::master::get(m_tx).replica_sg_id;
        for (const auto& sg : db::sgs::list(m_tx)) {
            if (scope == Scope::all || sg.id == sg_id || sg.id == replica) {
                configure_sg(sg, replica);
            }
        }
    }
    log::info("master", "reconfigure",
              "{} zones in named.conf, rndc reconfig done in {} ms, {} zone "
              "events woken{}",
              snapshot.configured.size(), m_reconfig_took->count(), woken,
              scope == Scope::master ? ""
              : scope == Scope::all  ? " (all server groups)"
                                     : fmt::format(" (server group {})", sg_id.value_or(0)));
}

std::string host_name() {
    char buf[256] = {};
    ::gethostname(buf, sizeof buf - 1);
    return buf;
}

void record_master_identity(db::Transaction& tx, const Config& config) {
    db::master::set_identity(tx, host_name(), config.value("master_dns_address"),
                             config.number("master_dns_port"));
}

std::vector<std::int64_t> DmsdMasterContext::sgs_waiting_for_reconfig() {
    return db::queue::sgs_waiting_for_reconfig(m_tx);
}

std::optional<std::string> DmsdMasterContext::sg_name(std::int64_t sg_id) {
    const auto sg = db::sgs::find_by_id(m_tx, sg_id);
    return sg ? std::optional(sg->name) : std::nullopt;
}

void DmsdMasterContext::queue_master_event(sm::EventType type, std::chrono::milliseconds delay,
                                           const sm::MasterEventParams& params) {
    db::NewEvent e;
    e.event_type = std::string(sm::to_string(type));
    e.master_id = 1;
    e.parameters = master_event_params_json(params);
    e.delay = delay;
    e.coalesce = true;
    db::events::insert(m_tx, e);
}

void DmsdMasterContext::rndc_zone(std::string_view command, std::string_view zone) {
    m_named.rndc_zone(command, zone);
}

std::string master_event_params_json(const sm::MasterEventParams& p) {
    boost::json::object o;
    if (p.sg_id) {
        o["sg_id"] = *p.sg_id;
        o["sg_name"] = p.sg_name;
    }
    if (!p.zone_name.empty()) {
        o["zone_name"] = p.zone_name;
    }
    return boost::json::serialize(o);
}

sm::MasterEventParams master_event_params_from_json(const std::string& json) {
    sm::MasterEventParams p;
    try {
        const auto v = boost::json::parse(json);
        const auto& o = v.as_object();
        if (const auto* f = o.if_contains("sg_id"); f && !f->is_null()) {
            p.sg_id = f->to_number<std::int64_t>();
        }
        if (const auto* f = o.if_contains("sg_name")) {
            p.sg_name = std::string(f->as_string());
        }
        if (const auto* f = o.if_contains("zone_name")) {
            p.zone_name = std::string(f->as_string());
        }
    } catch (const std::exception& e) {
        throw Error(ErrorCode::internal,
                    fmt::format("bad master event parameters {}: {}", json, e.what()));
    }
    return p;
}

} // namespace dms::dmsd
