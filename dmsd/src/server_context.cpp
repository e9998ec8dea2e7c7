// SPDX-License-Identifier: GPL-3.0-or-later
// ServerSM's steps in dmsd, and the server-group side of the master's reconfiguration.
#include <random>

#include <fmt/format.h>

#include "dms/core/logging.hpp"
#include "dms/core/serial.hpp"
#include "dms/db/catalog.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/server_state.hpp"
#include "dms/dmsd/event_processor.hpp"

#include "contexts.hpp"

namespace dms::dmsd {
namespace {

sm::StepResult to_step(const named::SlaveStep& s) {
    sm::StepResult r;
    r.kind = s.kind == named::SlaveStep::Kind::ok      ? sm::StepResult::Kind::ok
             : s.kind == named::SlaveStep::Kind::retry ? sm::StepResult::Kind::retry
                                                       : sm::StepResult::Kind::broken;
    r.message = s.detail;
    r.rtt_ms = s.rtt_ms;
    return r;
}

} // namespace

double unit_random() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

DmsdServerContext::DmsdServerContext(db::Transaction& tx, const Config& config,
                                     const db::ServerRecord& server, named::SlaveDriver& slaves)
    : ServerDbContext(tx, config, server), m_slaves(slaves) {
    m_target.name = server.name;
    m_target.address = server.address;
    m_target.dns_port = server.dns_port;
    m_target.rndc_port = server.rndc_port;
    m_target.rsync_port = server.rsync_port;
    const auto sg = db::catalog::find_sg_by_id(tx, server.sg_id);
    m_target.sg_name = sg ? sg->name : server.sg_name;
    m_replica = db::master::get(tx).replica_sg_id == server.sg_id;
}

sm::StepResult DmsdServerContext::send_config(const sm::ServerRow&) {
    return to_step(m_slaves.send_config(m_target));
}

sm::StepResult DmsdServerContext::reload_config(const sm::ServerRow&) {
    return to_step(m_slaves.reload_config(m_target));
}

sm::StepResult DmsdServerContext::probe(const sm::ServerRow&) {
    return to_step(m_slaves.probe(m_target));
}

sm::StepResult DmsdServerContext::status(const sm::ServerRow&,
                                         std::optional<std::int64_t>& zone_count) {
    return to_step(m_slaves.status(m_target, zone_count));
}

sm::StepResult DmsdServerContext::check_serials(const sm::ServerRow&, std::int64_t& lagging) {
    const auto zones = db::servers::published_serials(tx(), server().sg_id, m_replica,
                                                      config().number("server_serial_sample"));
    lagging = 0;
    std::string first;
    for (const auto& z : zones) {
        std::string detail;
        const auto serial = m_slaves.zone_serial(m_target, z.name, detail);
        if (!serial || serial::lt(*serial, z.serial)) {
            ++lagging;
            if (first.empty()) {
                first = serial ? fmt::format("{} serial {} < {}", z.name, *serial, z.serial)
                               : fmt::format("{} {}", z.name, detail);
            }
        }
    }
    if (lagging > 0) {
        log::warning("server " + server().name, "check", "{} of {} zones behind the master ({}{})",
                     lagging, zones.size(), first, lagging > 1 ? ", ..." : "");
    }
    return sm::StepResult::ok();
}

std::chrono::milliseconds DmsdServerContext::check_interval() {
    // A little jitter, so that servers enabled together are not checked together.
    const auto base = config().duration("server_check_interval");
    return base + std::chrono::milliseconds(static_cast<long long>(
                      static_cast<double>(base.count()) * 0.1 * unit_random()));
}

std::chrono::milliseconds DmsdServerContext::retry_delay(int failures) {
    return EventProcessor::backoff(failures, config().duration("server_retry_base"),
                                   config().duration("server_retry_max"), unit_random());
}

void DmsdMasterContext::configure_sg(const db::SgRecord& sg,
                                     std::optional<std::int64_t> replica_sg_id) {
    named::SgConfig c;
    c.sg_name = sg.name;
    c.replica = replica_sg_id == sg.id;
    c.master_address =
        sg.master_address.empty() ? m_config.value("master_dns_address") : sg.master_address;
    c.master_port = static_cast<int>(m_config.number("master_dns_port"));
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

} // namespace dms::dmsd
