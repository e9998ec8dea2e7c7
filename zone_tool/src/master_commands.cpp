// SPDX-License-Identifier: GPL-3.0-or-later
// Master and system commands: show_master_status, reset_master, reconfig_master,
// restore_named_db, write_rndc_conf, generate_tsig_key (REFERENCE.md 5.2).
#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/ostream.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/drivers/bind9.hpp"
#include "dms/engine/dr.hpp"
#include "dms/engine/master_engine.hpp"
#include "dms/engine/restore.hpp"
#include "dms/engine/rndc_conf.hpp"
#include "dms/sm/master_sm.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

engine::MasterEngine master(Context& ctx) {
    return engine::MasterEngine(ctx.session(), engine::local_caller());
}

std::string hold_sg_text(const db::MasterRecord& m) {
    switch (m.hold_sg) {
    case sm::hold_sg_none:
        return "HOLD_SG_NONE";
    case sm::hold_sg_master:
        return "HOLD_SG_MASTER";
    case sm::hold_sg_all:
        return "HOLD_SG_ALL";
    default:
        return m.hold_sg_name.empty() ? std::to_string(m.hold_sg) : m.hold_sg_name;
    }
}

ExitStatus show_master_status(Context& ctx, Args /*args*/) {
    const auto s = master(ctx).master_status();
    const auto& m = s.master;
    boost::json::object o{{"state", m.state},
                          {"hold_sg", hold_sg_text(m)},
                          {"hold_start", format_time(m.hold_start)},
                          {"hold_stop", format_time(m.hold_stop)},
                          {"replica_sg", m.replica_sg_name},
                          {"master_server", m.master_server_name},
                          {"master_hostname", m.master_hostname}};
    if (ctx.flag('v') || ctx.json) {
        o["pending_events"] = s.counts.pending;
        o["retrying_events"] = s.counts.retrying;
        o["failed_events"] = s.counts.failed;
        o["no_transition_events"] = s.counts.no_transition;
        o["reconciler_repairs"] = s.counts.repairs;
        if (s.last_event) {
            o["last_master_event"] =
                fmt::format("{} {} {} {}", s.last_event->id, s.last_event->event_type,
                            s.last_event->state, format_time(s.last_event->processed));
        }
        if (m.state == "HOLD") {
            o["hold_timeout_event"] = s.hold_timeout
                                          ? fmt::format("{} due {}", s.hold_timeout->id,
                                                        format_time(s.hold_timeout->scheduled))
                                          : std::string("MISSING (the reconciler re-creates it)");
        }
    }
    if (ctx.json) {
        print_json(ctx.out(), o);
    } else {
        ctx.out() << "show_master_status:\n";
        print_fields(ctx.out(), o);
    }
    return ExitStatus::ok;
}

ExitStatus reset_master(Context& ctx, Args /*args*/) {
    fmt::print(ctx.out(), "MasterSMReset queued (event {})\n", master(ctx).reset_master());
    return ExitStatus::ok;
}

ExitStatus reconfig_master(Context& ctx, Args /*args*/) {
    fmt::print(ctx.out(), "MasterSMMasterReconfig queued (event {})\n",
               master(ctx).reconfig_master());
    return ExitStatus::ok;
}

ExitStatus restore_named_db(Context& ctx, Args /*args*/) {
    const auto& cfg = ctx.config();
    if (pid_file_locked(cfg.value("dmsd_pid_file"))) {
        throw Error(ErrorCode::dmsd_still_running,
                    fmt::format("dmsd is running ({} is locked): stop it first",
                                cfg.value("dmsd_pid_file")));
    }
    const auto named = drivers::bind9::make_named_driver(cfg);
    if (named->control_channel_answers()) {
        throw Error(ErrorCode::named_still_running,
                    "named answers rndc status: stop it first (restore_named_db rewrites its "
                    "zone files)");
    }
    if (!ctx.confirm("Rewrite every zone file and the master includes from the database? "
                     "DNSSEC signatures and journals are lost")) {
        return ExitStatus::temp_fail;
    }
    const auto r = engine::restore_named_db(ctx.session(), *named);
    fmt::print(ctx.out(),
               "restore_named_db: {} zone files and the includes written in {:.1f} s; {} "
               "pending events cancelled. Start named, then dmsd.\n",
               r.zones, static_cast<double>(r.took.count()) / 1000.0, r.cancelled_events);
    return ExitStatus::ok;
}

ExitStatus promote_replica(Context& ctx, Args /*args*/) {
    const auto& cfg = ctx.config();
    if (pid_file_locked(cfg.value("dmsd_pid_file"))) {
        throw Error(ErrorCode::dmsd_still_running,
                    fmt::format("dmsd is running ({} is locked): stop it first; start it again "
                                "once named runs with the master configuration "
                                "(dms_promote_replica does all of it)",
                                cfg.value("dmsd_pid_file")));
    }
    if (!ctx.confirm(fmt::format("Make this site (node {}) the master: promote its database {}, "
                                 "record it as the active master, disable the old master's "
                                 "server row?",
                                 engine::node_name(cfg), ctx.session().describe()))) {
        return ExitStatus::temp_fail;
    }
    const auto named = drivers::bind9::make_named_driver(cfg);
    const auto slaves = drivers::bind9::make_slave_driver(cfg);
    const auto r =
        engine::promote_replica(ctx.session(), cfg, *named, *slaves, engine::local_caller());
    if (ctx.json) {
        boost::json::array done;
        for (const auto& d : r.done) {
            done.emplace_back(d);
        }
        boost::json::array unreachable;
        for (const auto& u : r.unreachable) {
            unreachable.emplace_back(u);
        }
        print_json(ctx.out(), boost::json::object{{"node", engine::node_name(cfg)},
                                                  {"promoted_database", r.promoted_database},
                                                  {"old_master", r.old_master},
                                                  {"zones", r.zones},
                                                  {"republished", r.republished},
                                                  {"unreachable", unreachable},
                                                  {"reconfig_event", r.reconfig_event},
                                                  {"done", done}});
        return ExitStatus::ok;
    }
    for (const auto& d : r.done) {
        fmt::print(ctx.out(), "promote_replica: {}\n", d);
    }
    fmt::print(ctx.out(), "promote_replica: now start named with the master configuration, "
                          "then dmsd\n");
    return ExitStatus::ok;
}

ExitStatus write_rndc_conf(Context& ctx, Args /*args*/) {
    const auto n = engine::write_rndc_conf(ctx.session(), ctx.config());
    fmt::print(ctx.out(), "wrote {} ({} server entries)\n", ctx.config().value("rndc_conf_file"),
               n);
    return ExitStatus::ok;
}

ExitStatus generate_tsig_key(Context& ctx, Args args) {
    const std::string& name = args[0];
    const std::string algorithm = args.size() > 1 ? args[1] : "hmac-sha256";
    const auto& algorithms = dns::tsig_algorithms();
    if (std::find(algorithms.begin(), algorithms.end(), algorithm) == algorithms.end()) {
        throw Error(ErrorCode::invalid_hmac_type,
                    fmt::format("unknown TSIG algorithm '{}' (one of {})", algorithm,
                                fmt::join(algorithms, " ")));
    }
    const auto text = dns::generate_tsig_key_text(name, algorithm);
    if (args.size() < 3) {
        ctx.out() << text;
        return ExitStatus::ok;
    }
    std::string path = args[2];
    if (!path.starts_with('/')) {
        path = ctx.config().value("dms_bind_config_dir") + "/" + path;
    }
    if (::access(path.c_str(), F_OK) == 0 &&
        !ctx.confirm(fmt::format("{} exists: replace the key in it?", path))) {
        return ExitStatus::temp_fail;
    }
    write_file_atomically(path, text, 0640);
    fmt::print(ctx.out(), "wrote key {} ({}) to {}\n", name, algorithm, path);
    return ExitStatus::ok;
}

} // namespace

void add_master_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"show_master_status", "[-v]",
                 "the MasterSM: state, hold, replica SG; -v adds event counts and repairs",
                 0, 0, "v", "", show_master_status});
    t.push_back({"reset_master", "", "queue MasterSMReset: READY, then reconfigure everything",
                 0, 0, "", "", reset_master});
    t.push_back({"reconfig_master", "", "queue a reconfiguration of the master named", 0, 0, "",
                 "", reconfig_master});
    t.push_back({"restore_named_db", "[-f]",
                 "with named and dmsd stopped: rewrite every zone file and the includes from "
                 "the database (asks first)", 0, 0, "f", "", restore_named_db});
    t.push_back({"promote_replica", "[-f]",
                 "on the DR replica site, with dmsd stopped: promote its database, make it the "
                 "active master, raise serials the slaves are ahead on, write the master "
                 "includes and rndc.conf, queue reconfig_all (asks first; "
                 "sbin/dms_promote_replica runs it)", 0, 0, "f", "", promote_replica});
    t.push_back({"write_rndc_conf", "", "write rndc.conf: the master and every server", 0, 0,
                 "", "", write_rndc_conf});
    t.push_back({"generate_tsig_key", "[-f] <key-name> [hmac-type] [file]",
                 "a new TSIG key (default hmac-sha256) to stdout or a file (mode 0640; "
                 "relative names in dms_bind_config_dir)", 1, 3, "f", "", generate_tsig_key});
    // clang-format on
}

} // namespace dms::zone_tool
