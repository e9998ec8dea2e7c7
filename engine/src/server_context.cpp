// SPDX-License-Identifier: GPL-3.0-or-later
// ServerSM's database context and zone_tool's synchronous server events.
#include "dms/engine/server_context.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/events.hpp"
#include "dms/db/server_state.hpp"

#include "audit.hpp"

namespace dms::engine {
namespace {

[[noreturn]] void only_dmsd(std::string_view what) {
    throw Error(ErrorCode::internal, fmt::format("ServerSM: {} is dmsd's, not zone_tool's", what));
}

} // namespace

drivers::SlaveTarget to_slave_target(const db::ServerRecord& s) {
    return {s.name, s.address, s.dns_port, s.rndc_port, s.rsync_port, s.sg_name};
}

sm::ServerRow to_server_row(const db::ServerRecord& s) {
    sm::ServerRow r;
    r.id = s.id;
    r.name = s.name;
    r.state = sm::from_string<sm::ServerState>(s.state).value_or(sm::ServerState::disabled);
    r.last_reply = s.last_reply;
    r.retry_msg = s.retry_msg;
    r.retry_count = s.retry_count;
    r.zone_count = s.zone_count;
    r.probe_rtt_ms = s.probe_rtt_ms;
    r.lagging_zones = s.lagging_zones;
    r.repairs = s.repairs;
    r.configured_at = s.configured_at;
    return r;
}

void from_server_row(const sm::ServerRow& r, db::ServerRecord& s) {
    s.state = std::string(sm::to_string(r.state));
    s.last_reply = r.last_reply;
    s.retry_msg = r.retry_msg;
    s.retry_count = r.retry_count;
    s.zone_count = r.zone_count;
    s.probe_rtt_ms = r.probe_rtt_ms;
    s.lagging_zones = r.lagging_zones;
    s.repairs = r.repairs;
    s.configured_at = r.configured_at;
}

sm::TimePoint ServerDbContext::now() {
    return std::chrono::system_clock::now();
}

std::optional<std::string> ServerDbContext::address_conflict(const sm::ServerRow&) {
    return db::servers::enabled_address_conflict(m_tx, m_server);
}

bool ServerDbContext::is_this_machine(const sm::ServerRow&) {
    return m_server.address == m_config.value("master_dns_address") &&
           m_server.dns_port == m_config.number("master_dns_port");
}

void ServerDbContext::queue_server_event(sm::EventType type, std::chrono::milliseconds delay) {
    db::NewEvent e;
    e.event_type = std::string(sm::to_string(type));
    e.server_id = m_server.id;
    e.delay = delay;
    e.coalesce = true;
    db::events::insert(m_tx, e);
}

sm::StepResult ServerDbContext::send_config(const sm::ServerRow&) {
    only_dmsd("sending a configuration");
}
sm::StepResult ServerDbContext::reload_config(const sm::ServerRow&) {
    only_dmsd("rndc reconfig");
}
sm::StepResult ServerDbContext::probe(const sm::ServerRow&) {
    only_dmsd("the SOA probe");
}
sm::StepResult ServerDbContext::status(const sm::ServerRow&, std::optional<std::int64_t>&) {
    only_dmsd("rndc status");
}
sm::StepResult ServerDbContext::check_serials(const sm::ServerRow&, sm::SerialCheck&) {
    only_dmsd("the serial check");
}
std::vector<sm::ZoneLag> ServerDbContext::notify_zones(const sm::ServerRow&,
                                                       const std::vector<sm::ZoneLag>&) {
    only_dmsd("NOTIFY");
}
void ServerDbContext::retransfer_zones(const sm::ServerRow&, const std::vector<sm::ZoneLag>&) {
    only_dmsd("rndc retransfer");
}
std::chrono::milliseconds ServerDbContext::check_interval() {
    only_dmsd("the check interval");
}
std::chrono::milliseconds ServerDbContext::lag_grace() {
    only_dmsd("the lag grace");
}
std::chrono::milliseconds ServerDbContext::retry_delay(int) {
    only_dmsd("the retry delay");
}

db::ServerRecord run_server_event(db::Session& session, const Config& config, const Caller& caller,
                                  std::string_view server_name, sm::EventType type) {
    const auto type_name = std::string(sm::to_string(type));
    return session.transaction(type_name, [&](db::Transaction& tx) {
        auto server = db::servers::find(tx, server_name, true);
        if (!server) {
            throw Error(ErrorCode::no_server_found,
                        fmt::format("server '{}' not found", server_name));
        }
        ServerDbContext ctx(tx, config, *server);
        auto row = to_server_row(*server);
        const auto before = server->state;
        const auto outcome = sm::process_server_event(row, sm::ServerEvent{type, 0}, ctx);
        if (outcome.error) {
            throw Error(*outcome.error, outcome.message);
        }
        from_server_row(row, *server);
        db::servers::save_state(tx, *server);
        boost::json::object results{{"message", outcome.message},
                                    {"pre_event_sm_state", before},
                                    {"post_event_sm_state", server->state},
                                    {"change_by", caller.change_by()}};
        db::NewEvent rec;
        rec.event_type = type_name;
        rec.server_id = server->id;
        rec.done = db::NewEvent::Done{"SUCCESS", static_cast<int>(outcome.code),
                                      boost::json::serialize(results)};
        db::events::insert(tx, rec);
        detail::audit(tx, caller, type_name, "server " + server->name, std::nullopt,
                      detail::json_strings({{"from", before}, {"to", server->state}}));
        log::info("server " + server->name, type_name, "{} -> {} by {}: {}", before, server->state,
                  caller.change_by(), outcome.message);
        return *server;
    });
}

} // namespace dms::engine
