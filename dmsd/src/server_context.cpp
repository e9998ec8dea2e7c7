// SPDX-License-Identifier: GPL-3.0-or-later
// ServerSM's steps in dmsd, and the server-group side of the master's reconfiguration.
#include <random>
#include <thread>

#include <fmt/format.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/serial.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/server_state.hpp"
#include "dms/db/sgs.hpp"
#include "dms/dmsd/event_processor.hpp"

#include "contexts.hpp"

namespace dms::dmsd {
namespace {

/// "a.test. (serial 1 < 2), b.test. (SERVFAIL)" for logs: the first ten, then how many more.
std::string zone_list(const std::vector<sm::ZoneLag>& zones) {
    constexpr std::size_t shown = 10;
    std::string out;
    for (std::size_t i = 0; i < zones.size() && i < shown; ++i) {
        out += fmt::format("{}{} ({})", i ? ", " : "", zones[i].zone, zones[i].seen);
    }
    if (zones.size() > shown) {
        out += fmt::format(" and {} more", zones.size() - shown);
    }
    return out;
}

/// Seconds for messages: "30", "0.5".
std::string seconds(std::chrono::milliseconds d) {
    return fmt::format("{:g}", std::chrono::duration<double>(d).count());
}

sm::StepResult to_step(const drivers::SlaveStep& s) {
    sm::StepResult r;
    r.kind = s.kind == drivers::SlaveStep::Kind::ok      ? sm::StepResult::Kind::ok
             : s.kind == drivers::SlaveStep::Kind::retry ? sm::StepResult::Kind::retry
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
                                     const db::ServerRecord& server, drivers::SlaveDriver& slaves)
    : ServerDbContext(tx, config, server), m_slaves(slaves),
      m_target(engine::to_slave_target(server)) {
    const auto sg = db::sgs::find_by_id(tx, server.sg_id);
    m_target.sg_name = sg ? sg->name : server.sg_name;
    m_replica = db::master::get(tx).replica_sg_id == server.sg_id;
    // The slaves transfer from (and take NOTIFY only from) the SG's master address.
    m_notify_source =
        sg && !sg->master_address.empty() ? sg->master_address : config.value("master_dns_address");
    m_master = {config.value("master_dns_address"),
                static_cast<int>(config.number("master_dns_port"))};
}

sm::StepResult DmsdServerContext::send_config(const sm::ServerRow&) {
    return to_step(m_slaves.send_config(m_target));
}

sm::StepResult DmsdServerContext::send_keys(const sm::ServerRow&) {
    return m_replica ? to_step(m_slaves.send_keys(m_target)) : sm::StepResult::ok();
}

sm::StepResult DmsdServerContext::reload_config(const sm::ServerRow&) {
    return to_step(m_slaves.reload_config(m_target));
}

sm::StepResult DmsdServerContext::probe(const sm::ServerRow&) {
    return to_step(m_slaves.probe(m_target));
}

sm::StepResult DmsdServerContext::status(const sm::ServerRow&,
                                         std::optional<std::int64_t>& zone_count) {
    drivers::SlaveStatus st;
    auto r = to_step(m_slaves.status(m_target, st));
    zone_count = st.zones;
    m_refreshing = st.refreshing;
    return r;
}

sm::StepResult DmsdServerContext::check_serials(const sm::ServerRow& row, sm::SerialCheck& found) {
    using K = drivers::ZoneAnswer::Kind;
    const auto zones = db::servers::published_serials(tx(), server().sg_id, m_replica);
    const auto now = std::chrono::system_clock::now();
    const auto grace = lag_grace();
    // A zone the server lacks or is still loading is in transit while its
    // configuration is on its way (asked once, when first needed).
    std::optional<bool> config_pending;
    const auto config_settled = [&] {
        if (row.configured_at && now - *row.configured_at < grace) {
            return false;
        }
        if (!config_pending) {
            config_pending = db::servers::configuration_pending(tx(), server().id);
        }
        return !*config_pending;
    };
    bool master_silent = false;
    found = {};
    found.checked = static_cast<std::int64_t>(zones.size());
    for (const auto& z : zones) {
        auto a = m_slaves.zone_serial(m_target, z.name);
        if (a.kind == K::no_answer) {
            a = m_slaves.zone_serial(m_target, z.name); // UDP: a lost datagram
        }
        if (a.kind == K::no_answer) {
            return sm::StepResult::retry(fmt::format("{}: {}", z.name, a.detail));
        }
        if (a.kind == K::serial && !serial::lt(a.serial, z.serial)) {
            continue;
        }
        // Out of step. Within the grace that is a NOTIFY and transfer under way.
        if (now - z.published < grace) {
            ++found.in_transit;
            continue;
        }
        // Behind the master named itself? If it does not serve the serial the database
        // published either, publishing is what lags, not this server.
        sm::ZoneLag lag{z.name, z.serial, {}};
        const auto m =
            master_silent
                ? dns::SoaReply{}
                : dns::query_soa(m_master, z.name, config().duration("dns_query_timeout"), false);
        // A master that does not answer is not asked again in this check; the
        // database's serial is what the server should have then.
        master_silent = m.status != dns::Status::answered;
        if (m.status == dns::Status::answered) {
            if (m.rcode != 0 || !m.authoritative || !m.serial) {
                ++found.in_transit;
                continue;
            }
            lag.serial = *m.serial;
            if (a.kind == K::serial && !serial::lt(a.serial, lag.serial)) {
                ++found.in_transit;
                continue;
            }
        }
        if (a.kind == K::serial) {
            lag.seen = fmt::format("serial {} < {}", a.serial, lag.serial);
            found.behind.push_back(std::move(lag));
        } else if (!config_settled() || (a.kind == K::not_loaded && m_refreshing > 0)) {
            // Its configuration is still arriving, or it is loading zones: working
            // through its queue (BIND starts at most serial-query-rate refreshes a
            // second), maybe this one among them.
            ++found.in_transit;
        } else if (a.kind == K::not_loaded) {
            lag.seen = a.detail;
            found.behind.push_back(std::move(lag));
        } else {
            lag.seen = a.detail;
            found.missing.push_back(std::move(lag));
        }
    }
    m_checked = found.checked;
    if (!found.missing.empty() && !is_this_machine(row)) {
        log::warning("server " + server().name, "repair",
                     "{} of {} zones are not in its configuration although it was sent over "
                     "{} s ago ({}): sending the configuration again",
                     found.missing.size(), found.checked, seconds(grace), zone_list(found.missing));
    }
    return sm::StepResult::ok();
}

std::vector<sm::ZoneLag> DmsdServerContext::notify_zones(const sm::ServerRow&,
                                                         const std::vector<sm::ZoneLag>& zones) {
    std::size_t refused = 0;
    std::string first_error;
    for (const auto& z : zones) {
        if (const auto r = m_slaves.notify(m_target, z.zone, m_notify_source);
            r.kind != drivers::SlaveStep::Kind::ok) {
            if (refused++ == 0) {
                first_error = r.detail;
            }
        }
    }
    log::warning("server " + server().name, "repair",
                 "{} of {} zones behind the master for over {} s ({}): NOTIFY sent from {}{}",
                 zones.size(), m_checked, seconds(lag_grace()), zone_list(zones), m_notify_source,
                 refused > 0 ? fmt::format(", not taken for {} ({})", refused, first_error)
                             : std::string());
    // Wait for the transfers the NOTIFYs start; what is still behind then is retransferred.
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + config().duration("server_repair_wait");
    auto pending = zones;
    while (!pending.empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::vector<sm::ZoneLag> still;
        for (auto& z : pending) {
            const auto a = m_slaves.zone_serial(m_target, z.zone);
            if (a.kind == drivers::ZoneAnswer::Kind::serial && !serial::lt(a.serial, z.serial)) {
                continue;
            }
            z.seen = a.kind == drivers::ZoneAnswer::Kind::serial
                         ? fmt::format("serial {} < {}", a.serial, z.serial)
                         : a.detail;
            still.push_back(std::move(z));
        }
        pending = std::move(still);
    }
    if (pending.empty()) {
        log::info("server " + server().name, "repair", "all {} in step {:.1f} s after the NOTIFY",
                  zones.size(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return pending;
}

void DmsdServerContext::retransfer_zones(const sm::ServerRow&,
                                         const std::vector<sm::ZoneLag>& zones) {
    std::size_t failed = 0;
    std::string first_error;
    for (const auto& z : zones) {
        if (const auto r = m_slaves.retransfer(m_target, z.zone);
            r.kind != drivers::SlaveStep::Kind::ok) {
            if (failed++ == 0) {
                first_error = r.detail;
            }
        }
    }
    log::warning("server " + server().name, "repair",
                 "{} zones still behind {} s after the NOTIFY ({}): rndc retransfer{}",
                 zones.size(), seconds(config().duration("server_repair_wait")), zone_list(zones),
                 failed > 0 ? fmt::format(", failed for {} ({})", failed, first_error)
                            : std::string());
}

std::chrono::milliseconds DmsdServerContext::lag_grace() {
    return config().duration("server_lag_grace");
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

} // namespace dms::dmsd
