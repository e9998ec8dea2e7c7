// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/master_context.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/events.hpp"
#include "dms/db/queue.hpp"
#include "dms/db/server_state.hpp"
#include "dms/db/sgs.hpp"
#include "dms/engine/dr.hpp"
#include "dms/engine/master_config.hpp"

namespace dms::engine {

sm::MasterRow to_master_row(const db::MasterRecord& m) {
    sm::MasterRow r;
    r.state = sm::from_string<sm::MasterState>(m.state).value_or(sm::MasterState::ready);
    r.hold_sg = m.hold_sg;
    r.hold_sg_name = m.hold_sg_name;
    r.hold_start = m.hold_start;
    r.hold_stop = m.hold_stop;
    return r;
}

void from_master_row(const sm::MasterRow& r, db::MasterRecord& m) {
    m.state = std::string(sm::to_string(r.state));
    m.hold_sg = r.hold_sg;
    m.hold_sg_name = r.hold_sg_name;
    m.hold_start = r.hold_start;
    m.hold_stop = r.hold_stop;
}

sm::TimePoint MasterContext::now() {
    return std::chrono::system_clock::now();
}

std::chrono::milliseconds MasterContext::hold_timeout() {
    // Long enough that re-reading the configuration stays a small part of named's time.
    using namespace std::chrono_literals;
    const auto hold = m_config.duration("master_hold_timeout");
    const auto factor = m_config.number("master_hold_reconfig_factor");
    if (!m_reconfig_took || factor <= 0) {
        return hold;
    }
    return std::max(hold, std::min<std::chrono::milliseconds>(*m_reconfig_took * factor, 60s));
}

void MasterContext::reconfigure(Scope scope, std::optional<std::int64_t> sg_id) {
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

void record_master_identity(db::Transaction& tx, const Config& config) {
    db::master::set_identity(tx, node_name(config), config.value("master_dns_address"),
                             config.number("master_dns_port"));
}

std::vector<std::int64_t> MasterContext::sgs_waiting_for_reconfig() {
    return db::queue::sgs_waiting_for_reconfig(m_tx);
}

std::optional<std::string> MasterContext::sg_name(std::int64_t sg_id) {
    const auto sg = db::sgs::find_by_id(m_tx, sg_id);
    return sg ? std::optional(sg->name) : std::nullopt;
}

void MasterContext::queue_master_event(sm::EventType type, std::chrono::milliseconds delay,
                                       const sm::MasterEventParams& params) {
    db::NewEvent e;
    e.event_type = std::string(sm::to_string(type));
    e.master_id = 1;
    e.parameters = master_event_params_json(params);
    e.delay = delay;
    e.coalesce = true;
    db::events::insert(m_tx, e);
}

void MasterContext::rndc_zone(std::string_view command, std::string_view zone) {
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

std::vector<std::string> MasterContext::alternate_masters(const db::SgRecord& sg) {
    std::vector<std::string> out;
    const auto& self = m_config.value("master_dns_address");
    const auto port = m_config.number("master_dns_port");
    if (!sg.master_alt_address.empty() && sg.master_alt_address != self) {
        out.push_back(fmt::format("{} port {}", sg.master_alt_address, port));
    }
    const auto replica = db::master::get(m_tx).replica_sg_id;
    for (const auto& s : db::servers::addresses(m_tx)) {
        if (s.sg_id != replica || s.state == "DISABLED" ||
            (s.address == self && s.dns_port == port)) {
            continue;
        }
        auto entry = fmt::format("{} port {}", s.address, s.dns_port);
        if (std::find(out.begin(), out.end(), entry) == out.end()) {
            out.push_back(std::move(entry));
        }
    }
    return out;
}

void MasterContext::configure_sg(const db::SgRecord& sg,
                                 std::optional<std::int64_t> replica_sg_id) {
    drivers::SgConfig c;
    c.sg_name = sg.name;
    c.replica = replica_sg_id == sg.id;
    c.master_address =
        sg.master_address.empty() ? m_config.value("master_dns_address") : sg.master_address;
    c.master_port = static_cast<int>(m_config.number("master_dns_port"));
    if (!c.replica) {
        c.alt_masters = alternate_masters(sg);
    }
    c.zones = db::servers::sg_config_zones(m_tx, sg.id, c.replica);
    m_slaves.write_sg_config(c);
    db::servers::set_sg_zone_count(m_tx, sg.id, static_cast<std::int64_t>(c.zones.size()));
    const auto servers = db::servers::enabled_of_sg(m_tx, sg.id);
    for (const auto id : servers) {
        db::NewEvent e;
        e.event_type = std::string(sm::to_string(sm::EventType::server_config_change));
        e.server_id = id;
        e.delay = m_config.duration("master_rndc_settle_delay");
        e.coalesce = true;
        db::events::insert(m_tx, e);
    }
    log::info("server group " + sg.name, "reconfigure", "{} zones in its config, {} servers told",
              c.zones.size(), servers.size());
}

} // namespace dms::engine
