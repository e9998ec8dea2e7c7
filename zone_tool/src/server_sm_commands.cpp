// SPDX-License-Identifier: GPL-3.0-or-later
// ServerSM commands: enable_server, disable_server, reset_server (REFERENCE.md 3.3, 5.2),
// each the synchronous event in one transaction (dmsd does the rest), and
// show_dms_status, the whole deployment at a glance.
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/drivers/bind9.hpp"
#include "dms/engine/dr.hpp"
#include "dms/engine/event_engine.hpp"
#include "dms/engine/master_engine.hpp"
#include "dms/engine/server_context.hpp"
#include "dms/engine/server_engine.hpp"
#include "dms/engine/sg_engine.hpp"
#include "dms/sm/server_sm.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

ExitStatus server_event(Context& ctx, Args args, sm::EventType type, std::string_view then) {
    const auto s = engine::run_server_event(ctx.session(), ctx.config(), engine::local_caller(),
                                            args[0], type);
    fmt::print(ctx.out(), "server {}: {}{}\n", s.name, s.state, then);
    return ExitStatus::ok;
}

ExitStatus enable_server(Context& ctx, Args args) {
    return server_event(ctx, args, sm::EventType::server_enable,
                        " (dmsd sends its configuration and checks it)");
}

ExitStatus disable_server(Context& ctx, Args args) {
    return server_event(ctx, args, sm::EventType::server_disable, "");
}

ExitStatus reset_server(Context& ctx, Args args) {
    return server_event(ctx, args, sm::EventType::server_reset,
                        " (dmsd sends its configuration again)");
}

std::string dash(const std::string& s) {
    return s.empty() ? "-" : s;
}

/// Reachability from the SOA probe: its round trip, or why it failed.
std::string reach(const db::ServerRecord& s) {
    if (s.state == "DISABLED") {
        return "-";
    }
    if (s.state == "OK" && s.probe_rtt_ms) {
        return fmt::format("{:.1f} ms", *s.probe_rtt_ms);
    }
    return s.state == "CONFIG" ? "?" : "no";
}

std::string lag_text(std::int64_t bytes, std::optional<double> seconds) {
    return seconds ? fmt::format("{} B ({:.1f} s)", bytes, *seconds) : fmt::format("{} B", bytes);
}

/// The DR pair as this database sees it: one line, then one per standby.
void print_database(std::ostream& out, const engine::ReplicationStatus& r) {
    const auto master = r.active_master.empty() ? std::string("none recorded")
                        : r.active_master == r.node
                            ? fmt::format("node {} (this node)", r.active_master)
                            : fmt::format("node {}", r.active_master);
    if (r.standby) {
        const auto& rec = r.recovery;
        fmt::print(out,
                   "database:    hot standby (read-only replica), receiver {} from {}, replay "
                   "lag {}{}; active master {}\n",
                   dash(rec.receiver_status), dash(rec.sender), rec.replay_lag_bytes,
                   rec.last_replay_age_seconds
                       ? fmt::format(" B, last transaction replayed {:.1f} s ago",
                                     *rec.last_replay_age_seconds)
                       : std::string(" B"),
                   master);
        return;
    }
    fmt::print(out, "database:    primary, {} standby{}; active master {}\n", r.standbys.size(),
               r.standbys.size() == 1 ? "" : "s", master);
    for (const auto& s : r.standbys) {
        fmt::print(out, "  standby {} {} {} {}, replay lag {}{}\n", dash(s.application_name),
                   dash(s.client_address), dash(s.state), dash(s.sync_state),
                   lag_text(s.replay_lag_bytes, s.replay_lag_seconds),
                   s.slot_name.empty() ? "" : ", slot " + s.slot_name);
    }
}

boost::json::object database_json(const engine::ReplicationStatus& r) {
    boost::json::object o{{"role", r.standby ? "standby" : "primary"},
                          {"node", r.node},
                          {"active_master", r.active_master}};
    if (r.standby) {
        o["receiver_status"] = r.recovery.receiver_status;
        o["sender"] = r.recovery.sender;
        o["replay_lag_bytes"] = r.recovery.replay_lag_bytes;
        o["last_replay_age_seconds"] = r.recovery.last_replay_age_seconds
                                           ? boost::json::value(*r.recovery.last_replay_age_seconds)
                                           : boost::json::value(nullptr);
        return o;
    }
    boost::json::array standbys;
    for (const auto& s : r.standbys) {
        standbys.push_back(
            {{"application_name", s.application_name},
             {"client_address", s.client_address},
             {"state", s.state},
             {"sync_state", s.sync_state},
             {"replay_lag_bytes", s.replay_lag_bytes},
             {"replay_lag_seconds", s.replay_lag_seconds ? boost::json::value(*s.replay_lag_seconds)
                                                         : boost::json::value(nullptr)},
             {"slot_name", s.slot_name}});
    }
    o["standbys"] = std::move(standbys);
    return o;
}

ExitStatus show_dms_status(Context& ctx, Args /*args*/) {
    const auto caller = engine::local_caller();
    const auto database = engine::replication_status(ctx.session(), ctx.config());
    engine::EventEngine events(ctx.session(), ctx.config(), caller);
    const auto st = engine::MasterEngine(ctx.session(), caller).master_status();
    std::string replica = "none";
    try {
        replica = engine::SgEngine(ctx.session(), ctx.config(), caller).show_replica_sg().sg.name;
    } catch (const Error& e) {
        if (e.code() != ErrorCode::no_replica_sg_found) {
            throw;
        }
    }
    const auto servers = engine::ServerEngine(ctx.session(), ctx.config(), caller).list_servers({});
    const auto pending = events.pending();
    boost::json::array failed_zones;
    for (const auto& [zone, why] : st.failed_zones) {
        failed_zones.push_back({{"name", zone}, {"message", why}});
    }
    if (ctx.json) {
        boost::json::array list;
        for (const auto& s : servers) {
            list.push_back({{"name", s.name},
                            {"sg_name", s.sg_name},
                            {"state", s.state},
                            {"address", s.address},
                            {"dns_port", s.dns_port},
                            {"last_reply", format_time(s.last_reply)},
                            {"probe_rtt_ms", s.probe_rtt_ms ? boost::json::value(*s.probe_rtt_ms)
                                                            : boost::json::value(nullptr)},
                            {"zone_count", s.zone_count ? boost::json::value(*s.zone_count)
                                                        : boost::json::value(nullptr)},
                            {"lagging_zones", s.lagging_zones ? boost::json::value(*s.lagging_zones)
                                                              : boost::json::value(nullptr)},
                            {"repairs", s.repairs},
                            {"retry_msg", s.retry_msg}});
        }
        print_json(ctx.out(), boost::json::object{{"master_state", st.master.state},
                                                  {"database", database_json(database)},
                                                  {"replica_sg", replica},
                                                  {"servers", list},
                                                  {"pending_events", st.counts.pending},
                                                  {"retrying_events", st.counts.retrying},
                                                  {"failed_events", st.counts.failed},
                                                  {"failed_zones", failed_zones},
                                                  {"reconciler_repairs", st.counts.repairs}});
        return ExitStatus::ok;
    }
    auto& out = ctx.out();
    fmt::print(out, "master:      {}{}\n", st.master.state,
               st.master.state == "HOLD"
                   ? fmt::format(" until {}", format_time(st.master.hold_stop))
                   : std::string());
    print_database(out, database);
    fmt::print(out, "replica SG:  {}\n", replica);
    fmt::print(out, "events:      {} pending ({} retrying), {} failed, {} reconciler repairs\n",
               st.counts.pending, st.counts.retrying, st.counts.failed, st.counts.repairs);
    // A zone that failed for good is not retried: it waits for the operator.
    fmt::print(out, "zones:       {} failed for good{}\n", st.failed_zones.size(),
               st.failed_zones.empty() ? "" : " (fix each, then reset_zonesm or refresh_zone)");
    for (const auto& [zone, why] : st.failed_zones) {
        fmt::print(out, "  {} {}\n", zone, why);
    }
    fmt::print(out, "servers:\n");
    std::vector<std::vector<std::string>> rows{{"  name", "sg", "state", "address", "reach",
                                                "last_reply", "zones", "lagging", "repairs",
                                                "retry_msg"}};
    for (const auto& s : servers) {
        rows.push_back({"  " + s.name, s.sg_name, s.state,
                        fmt::format("{} port {}", s.address, s.dns_port), reach(s),
                        format_time(s.last_reply),
                        s.zone_count ? std::to_string(*s.zone_count) : "-",
                        s.lagging_zones ? std::to_string(*s.lagging_zones) : "-",
                        std::to_string(s.repairs), dash(s.retry_msg)});
    }
    if (servers.empty()) {
        fmt::print(out, "  (none)\n");
    } else {
        print_table(out, rows);
    }
    if (ctx.flag('v') && !pending.empty()) {
        fmt::print(out, "pending events:\n");
        for (const auto& e : pending) {
            const auto target = !e.zone_name.empty()     ? "zone " + e.zone_name
                                : !e.server_name.empty() ? "server " + e.server_name
                                                         : std::string("master");
            fmt::print(out, "  {} {} {} {} due {}{}\n", e.id, e.event_type, e.state, target,
                       format_time(e.scheduled),
                       e.last_error.empty() ? "" : " (" + e.last_error + ")");
        }
    }
    return ExitStatus::ok;
}

ExitStatus rsync_server_admin_config(Context& ctx, Args args) {
    if (args.size() > 1 && args[1] != "no_rndc") {
        throw Error(
            ErrorCode::usage,
            fmt::format("rsync_server_admin_config: expected 'no_rndc', not '{}'", args[1]));
    }
    const auto slaves = drivers::bind9::make_slave_driver(ctx.config());
    const auto sent = engine::ServerEngine(ctx.session(), ctx.config(), engine::local_caller())
                          .send_admin_config(args[0], *slaves, args.size() == 1);
    const auto& name = args[0];
    if (sent.send.kind != drivers::SlaveStep::Kind::ok) {
        throw Error(ErrorCode::io, fmt::format("server {}: {}", name, sent.send.detail));
    }
    fmt::print(ctx.out(), "server {}: {}/ sent\n", name, sent.dir);
    if (!sent.reload) {
        return ExitStatus::ok;
    }
    if (sent.reload->kind != drivers::SlaveStep::Kind::ok) {
        throw Error(ErrorCode::io, fmt::format("server {}: {}", name, sent.reload->detail));
    }
    fmt::print(ctx.out(), "server {}: rndc reconfig done\n", name);
    return ExitStatus::ok;
}

} // namespace

void add_server_sm_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"enable_server", "<name>",
                 "enable a server: CONFIG, then dmsd rsyncs its SG's config, rndc reconfig, "
                 "SOA probe", 1, 1, "", "", enable_server});
    t.push_back({"disable_server", "<name>",
                 "disable a server: its pending events do nothing", 1, 1, "", "",
                 disable_server});
    t.push_back({"reset_server", "<name>",
                 "configure an enabled server again now (also out of RETRY or BROKEN)", 1, 1,
                 "", "", reset_server});
    t.push_back({"rsync_server_admin_config", "<name> [no_rndc]",
                 "send server_admin_config_dir/<type>/ to a server's dnsconf module, then "
                 "rndc -s <name> reconfig (unless no_rndc)", 1, 2, "", "",
                 rsync_server_admin_config});
    t.push_back({"show_dms_status", "[-v]",
                 "master, replica SG, every server (state, reach by SOA probe, last reply, "
                 "zones, lagging zones, zones repaired, retry message), event counts; -v lists "
                 "pending events",
                 0, 0, "v", "", show_dms_status});
    // clang-format on
}

} // namespace dms::zone_tool
