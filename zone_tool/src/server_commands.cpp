// SPDX-License-Identifier: GPL-3.0-or-later
// Server group and server commands, and the SG part of the master commands
// (REFERENCE.md 5.2 "Servers & SGs", "Master / system"). Enabling, disabling and
// resetting servers are ServerSM commands.
#include <charconv>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/engine/server_engine.hpp"
#include "dms/engine/sg_engine.hpp"
#include "dms/zone_tool/cli.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

engine::SgEngine server_groups(Context& ctx) {
    return engine::SgEngine(ctx.session(), ctx.config(), engine::local_caller());
}

engine::ServerEngine servers(Context& ctx) {
    return engine::ServerEngine(ctx.session(), ctx.config(), engine::local_caller());
}

/// "none" (and "") mean no value for optional addresses and directories.
std::string none_is_empty(std::string_view v) {
    return v == "none" ? std::string() : std::string(v);
}

boost::json::value or_null(const std::string& s) {
    return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}

template <typename T>
boost::json::value or_null(const std::optional<T>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value or_null(const std::optional<std::chrono::system_clock::time_point>& t) {
    return t ? boost::json::value(format_time(t)) : boost::json::value(nullptr);
}

std::string or_dash(const std::string& s) {
    return s.empty() ? "-" : s;
}

template <typename T>
std::string or_dash(const std::optional<T>& v) {
    return v ? fmt::format("{}", *v) : "-";
}

boost::json::object to_json(const db::ServerRecord& s) {
    return {{"server_id", s.id},
            {"name", s.name},
            {"state", s.state},
            {"server_type", s.server_type},
            {"sg_name", s.sg_name},
            {"replica_sg", s.replica},
            {"address", s.address},
            {"dns_port", s.dns_port},
            {"rndc_port", s.rndc_port},
            {"rsync_port", s.rsync_port},
            {"ssh_address", or_null(s.ssh_address)},
            {"last_reply", or_null(s.last_reply)},
            {"probe_rtt_ms", or_null(s.probe_rtt_ms)},
            {"zone_count", or_null(s.zone_count)},
            {"lagging_zones", or_null(s.lagging_zones)},
            {"repairs", s.repairs},
            {"last_check", or_null(s.last_check)},
            {"configured_at", or_null(s.configured_at)},
            {"retry_msg", or_null(s.retry_msg)},
            {"retry_count", s.retry_count},
            {"ctime", format_time(s.ctime)},
            {"mtime", format_time(s.mtime)}};
}

boost::json::object to_json(const engine::SgView& v, bool with_usage) {
    boost::json::object o{{"sg_id", v.sg.id},
                          {"name", v.sg.name},
                          {"config_dir", or_null(v.sg.config_dir)},
                          {"master_address", or_null(v.sg.master_address)},
                          {"master_alt_address", or_null(v.sg.master_alt_address)},
                          {"replica_sg", v.replica},
                          {"zone_count", v.sg.zone_count}};
    if (with_usage) {
        o["zones"] = v.usage.zones - v.usage.deleted_zones;
        o["deleted_zones"] = v.usage.deleted_zones;
        o["alt_zones"] = v.usage.alt_zones;
        o["servers"] = v.usage.servers;
    }
    return o;
}

// ---- server groups ----------------------------------------------------------------------

ExitStatus ls_sg(Context& ctx, Args /*args*/) {
    const auto sgs = server_groups(ctx).list_sgs();
    if (ctx.json) {
        boost::json::array a;
        for (const auto& v : sgs) {
            a.push_back(to_json(v, false));
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : sgs) {
        rows.push_back({v.sg.name, or_dash(v.sg.config_dir), or_dash(v.sg.master_address),
                        or_dash(v.sg.master_alt_address)});
        if (v.replica) {
            rows.back().emplace_back("replica");
        }
    }
    print_table(ctx.out(), rows);
    return ExitStatus::ok;
}

std::vector<std::string> server_row(const db::ServerRecord& s, bool verbose) {
    if (!verbose) {
        return {s.name, s.address, s.sg_name, s.state};
    }
    std::vector<std::string> r{s.name,
                               s.server_type,
                               s.sg_name,
                               s.state,
                               s.address,
                               fmt::format("{}/{}/{}", s.dns_port, s.rndc_port, s.rsync_port),
                               or_dash(s.ssh_address),
                               s.last_reply ? format_time(s.last_reply) : "-",
                               s.probe_rtt_ms ? fmt::format("{:.2f}ms", *s.probe_rtt_ms) : "-",
                               or_dash(s.zone_count),
                               or_dash(s.lagging_zones),
                               std::to_string(s.repairs),
                               s.retry_msg};
    if (r.back().empty()) {
        r.pop_back();
    }
    return r;
}

ExitStatus print_sg(Context& ctx, const engine::SgView& v) {
    if (ctx.json) {
        auto o = to_json(v, true);
        boost::json::array a;
        for (const auto& s : v.servers) {
            a.push_back(to_json(s));
        }
        o["server_list"] = std::move(a);
        print_json(ctx.out(), o);
        return ExitStatus::ok;
    }
    print_fields(ctx.out(), to_json(v, true));
    if (ctx.flag('v') && !v.servers.empty()) {
        ctx.out() << "servers:\n";
        std::vector<std::vector<std::string>> rows;
        for (const auto& s : v.servers) {
            auto r = server_row(s, false);
            r.insert(r.begin(), " ");
            rows.push_back(std::move(r));
        }
        print_table(ctx.out(), rows);
    }
    return ExitStatus::ok;
}

ExitStatus show_sg(Context& ctx, Args args) {
    return print_sg(ctx, server_groups(ctx).show_sg(args[0]));
}

ExitStatus show_replica_sg(Context& ctx, Args /*args*/) {
    return print_sg(ctx, server_groups(ctx).show_replica_sg());
}

ExitStatus create_sg(Context& ctx, Args args) {
    engine::NewSg n;
    n.name = args[0];
    n.config_dir = args.size() > 1 ? none_is_empty(args[1]) : "";
    n.master_address = args.size() > 2 ? none_is_empty(args[2]) : "";
    n.master_alt_address = args.size() > 3 ? none_is_empty(args[3]) : "";
    n.replica = ctx.flag('p');
    const auto sg = server_groups(ctx).create_sg(n);
    fmt::print(ctx.out(), "created server group {}{}\n", sg.name, n.replica ? " (replica SG)" : "");
    return ExitStatus::ok;
}

ExitStatus delete_sg(Context& ctx, Args args) {
    server_groups(ctx).delete_sg(args[0]);
    fmt::print(ctx.out(), "deleted server group {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus rename_sg(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Rename server group {} to {}?", args[0], args[1]))) {
        return ExitStatus::temp_fail;
    }
    server_groups(ctx).rename_sg(args[0], args[1]);
    fmt::print(ctx.out(), "renamed server group {} to {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus set_sg_config(Context& ctx, Args args) {
    const auto dir = none_is_empty(args[1]);
    if (!ctx.confirm(fmt::format("Configure the servers of {} from {}?", args[0],
                                 dir.empty() ? "the default templates" : dir))) {
        return ExitStatus::temp_fail;
    }
    server_groups(ctx).set_sg_config(args[0], dir);
    fmt::print(ctx.out(), "server group {}: config_dir {}\n", args[0], or_dash(dir));
    return ExitStatus::ok;
}

ExitStatus set_sg_master_address(Context& ctx, Args args) {
    server_groups(ctx).set_sg_master_address(args[0], none_is_empty(args[1]));
    fmt::print(ctx.out(), "server group {}: master_address {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus set_sg_master_alt_address(Context& ctx, Args args) {
    server_groups(ctx).set_sg_master_alt_address(args[0], none_is_empty(args[1]));
    fmt::print(ctx.out(), "server group {}: master_alt_address {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus set_sg_replica_sg(Context& ctx, Args args) {
    const auto sg = none_is_empty(args[0]);
    if (!ctx.confirm(sg.empty() ? std::string("Have no replica SG?")
                                : fmt::format("Make {} the replica SG (it then serves every "
                                              "zone)?",
                                              sg))) {
        return ExitStatus::temp_fail;
    }
    server_groups(ctx).set_replica_sg(sg);
    fmt::print(ctx.out(), "replica SG: {}\n", sg.empty() ? "none" : sg);
    return ExitStatus::ok;
}

// ---- zones and SGs ----------------------------------------------------------------------

ExitStatus print_change(Context& ctx, const engine::ZoneSgChange& c) {
    fmt::print(ctx.out(), "{} (SG {}, alternate SG {})\n", c.message, c.zone.sg_name,
               or_dash(c.zone.alt_sg_name));
    return ExitStatus::ok;
}

ExitStatus set_zone_sg(Context& ctx, Args args) {
    const auto sg = args.size() > 1 ? args[1] : ctx.option('g');
    return print_change(ctx, server_groups(ctx).set_zone_sg(args[0], sg));
}

ExitStatus dupe_zone_alt_sg(Context& ctx, Args args) {
    return print_change(ctx, server_groups(ctx).dupe_zone_alt_sg(args[0], args[1]));
}

ExitStatus delete_zone_alt_sg(Context& ctx, Args args) {
    return print_change(ctx, server_groups(ctx).delete_zone_alt_sg(args[0]));
}

ExitStatus swap_zone_sg(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Swap the SG and the alternate SG of {}?", args[0]))) {
        return ExitStatus::temp_fail;
    }
    return print_change(ctx, server_groups(ctx).swap_zone_sg(args[0]));
}

// ---- reconfiguring and refreshing --------------------------------------------------------

ExitStatus reconfig_sg(Context& ctx, Args args) {
    fmt::print(ctx.out(), "MasterSMPartialReconfig queued for {} (event {})\n", args[0],
               server_groups(ctx).reconfig_sg(args[0]));
    return ExitStatus::ok;
}

ExitStatus reconfig_replica_sg(Context& ctx, Args /*args*/) {
    fmt::print(ctx.out(), "MasterSMPartialReconfig queued for the replica SG (event {})\n",
               server_groups(ctx).reconfig_replica_sg());
    return ExitStatus::ok;
}

ExitStatus reconfig_all(Context& ctx, Args /*args*/) {
    fmt::print(ctx.out(), "MasterSMAllReconfig queued (event {})\n",
               server_groups(ctx).reconfig_all());
    return ExitStatus::ok;
}

ExitStatus print_refreshed(Context& ctx, const std::vector<std::string>& names) {
    if (ctx.json) {
        print_json(ctx.out(), boost::json::array(names.begin(), names.end()));
        return ExitStatus::ok;
    }
    fmt::print(ctx.out(), "{} zone(s) refreshed\n", names.size());
    return ExitStatus::ok;
}

ExitStatus refresh_sg(Context& ctx, Args args) {
    if (!ctx.confirm(
            fmt::format("Publish every PUBLISHED zone of server group {} again?", args[0]))) {
        return ExitStatus::temp_fail;
    }
    return print_refreshed(ctx, server_groups(ctx).refresh_sg(args[0]));
}

ExitStatus refresh_all(Context& ctx, Args /*args*/) {
    if (!ctx.confirm("Publish every PUBLISHED zone again?")) {
        return ExitStatus::temp_fail;
    }
    return print_refreshed(ctx, server_groups(ctx).refresh_all());
}

// ---- servers ------------------------------------------------------------------------------

ExitStatus print_servers(Context& ctx, const std::vector<db::ServerRecord>& list) {
    if (ctx.json) {
        boost::json::array a;
        for (const auto& s : list) {
            a.push_back(to_json(s));
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    if (list.empty()) {
        ctx.err() << "no servers found\n";
        return ExitStatus::no_host;
    }
    std::vector<std::vector<std::string>> rows;
    if (ctx.flag('v')) {
        rows.push_back({"name", "type", "sg", "state", "address", "dns/rndc/rsync", "ssh",
                        "last_reply", "probe_rtt", "zones", "lagging", "repairs", "retry_msg"});
    }
    for (const auto& s : list) {
        rows.push_back(server_row(s, ctx.flag('v')));
    }
    print_table(ctx.out(), rows);
    return ExitStatus::ok;
}

db::ServerFilter server_filter(Context& ctx, Args args) {
    db::ServerFilter f;
    f.patterns.assign(args.begin(), args.end());
    if (!ctx.option('g').empty()) {
        f.sg_name = ctx.option('g');
    }
    f.exclude_disabled = ctx.flag('t');
    return f;
}

ExitStatus ls_server(Context& ctx, Args args) {
    return print_servers(ctx, servers(ctx).list_servers(server_filter(ctx, args)));
}

ExitStatus ls_slave(Context& ctx, Args args) {
    auto f = server_filter(ctx, args);
    f.exclude_replica = !ctx.flag('a');
    return print_servers(ctx, servers(ctx).list_servers(f));
}

ExitStatus print_server(Context& ctx, const db::ServerRecord& s) {
    print_fields(ctx.out(), to_json(s));
    return ExitStatus::ok;
}

ExitStatus show_server(Context& ctx, Args args) {
    const auto s = servers(ctx).show_server(args[0]);
    if (ctx.json) {
        print_json(ctx.out(), to_json(s));
        return ExitStatus::ok;
    }
    return print_server(ctx, s);
}

ExitStatus show_server_byaddr(Context& ctx, Args args) {
    const auto list = servers(ctx).show_server_by_address(args[0]);
    if (ctx.json) {
        return print_servers(ctx, list);
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) {
            ctx.out() << '\n';
        }
        print_server(ctx, list[i]);
    }
    return ExitStatus::ok;
}

int port_arg(std::string_view text, std::string_view what) {
    int v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < 1 || v > 65535) {
        throw Error(ErrorCode::usage, fmt::format("{} '{}' is not a port (1..65535)", what, text));
    }
    return v;
}

/// -P dns[,rndc[,rsync]]; an empty field keeps the default.
engine::ServerPorts ports_option(std::string_view text) {
    engine::ServerPorts p;
    int* fields[] = {&p.dns, &p.rndc, &p.rsync};
    constexpr std::string_view names[] = {"DNS port", "rndc port", "rsync port"};
    std::size_t i = 0;
    while (true) {
        const auto comma = text.find(',');
        const auto part = text.substr(0, comma);
        if (i == 3) {
            throw Error(ErrorCode::usage, "-P takes at most 3 ports: dns,rndc,rsync");
        }
        if (!part.empty()) {
            *fields[i] = port_arg(part, names[i]);
        }
        ++i;
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return p;
}

ExitStatus create_server(Context& ctx, Args args) {
    engine::NewServer n;
    n.name = args[0];
    n.address = args[1];
    if (args.size() > 2) {
        n.server_type = args[2];
    }
    if (args.size() > 3) {
        n.ssh_address = none_is_empty(args[3]);
    }
    n.sg_name = ctx.option('g');
    if (ctx.flag('P')) {
        n.ports = ports_option(ctx.option('P'));
    }
    const auto s = servers(ctx).create_server(n);
    fmt::print(ctx.out(), "created server {} ({} {} port {}, SG {}), DISABLED\n", s.name,
               s.server_type, s.address, s.dns_port, s.sg_name);
    return ExitStatus::ok;
}

ExitStatus delete_server(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Delete server {}?", args[0]))) {
        return ExitStatus::temp_fail;
    }
    servers(ctx).delete_server(args[0]);
    fmt::print(ctx.out(), "deleted server {}\n", args[0]);
    return ExitStatus::ok;
}

ExitStatus set_server_type(Context& ctx, Args args) {
    servers(ctx).set_server_type(args[0], args[1]);
    fmt::print(ctx.out(), "server {}: type {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus set_server_address(Context& ctx, Args args) {
    servers(ctx).set_server_address(args[0], args[1]);
    fmt::print(ctx.out(), "server {}: address {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus set_server_ports(Context& ctx, Args args) {
    std::optional<int> p[3];
    constexpr std::string_view names[] = {"DNS port", "rndc port", "rsync port"};
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] != "-") {
            p[i - 1] = port_arg(args[i], names[i - 1]);
        }
    }
    servers(ctx).set_server_ports(args[0], p[0], p[1], p[2]);
    const auto s = servers(ctx).show_server(args[0]);
    fmt::print(ctx.out(), "server {}: DNS port {}, rndc port {}, rsync port {}\n", s.name,
               s.dns_port, s.rndc_port, s.rsync_port);
    return ExitStatus::ok;
}

ExitStatus rename_server(Context& ctx, Args args) {
    if (!ctx.confirm(fmt::format("Rename server {} to {}?", args[0], args[1]))) {
        return ExitStatus::temp_fail;
    }
    servers(ctx).rename_server(args[0], args[1]);
    fmt::print(ctx.out(), "renamed server {} to {} (run write_rndc_conf)\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus set_server_ssh_address(Context& ctx, Args args) {
    servers(ctx).set_server_ssh_address(args[0], none_is_empty(args[1]));
    fmt::print(ctx.out(), "server {}: ssh_address {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

ExitStatus move_server_sg(Context& ctx, Args args) {
    servers(ctx).move_server_sg(args[0], args[1]);
    fmt::print(ctx.out(), "server {}: server group {}\n", args[0], args[1]);
    return ExitStatus::ok;
}

} // namespace

void add_server_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"ls_sg", "", "list the server groups: config dir, master addresses, replica",
                 0, 0, "", "", ls_sg});
    t.push_back({"show_sg", "[-v] <sg>",
                 "a server group and what uses it (-v: its servers)", 1, 1, "v", "", show_sg});
    t.push_back({"show_replica_sg", "[-v]", "the replica SG (-v: its servers)", 0, 0, "v", "",
                 show_replica_sg});
    t.push_back({"create_sg", "[-p] <sg> [config-dir|none] [address|none] [alt-address|none]",
                 "create a server group (-p: the replica SG)", 1, 4, "p", "", create_sg});
    t.push_back({"delete_sg", "<sg>", "delete a server group no zone or server uses", 1, 1, "",
                 "", delete_sg});
    t.push_back({"rename_sg", "[-f] <sg> <new-sg>", "rename a server group (asks first)", 2, 2,
                 "f", "", rename_sg});
    t.push_back({"set_sg_config", "[-f] <sg> <config-dir|none>",
                 "the template directory of an SG's server configuration (asks first)", 2, 2,
                 "f", "", set_sg_config});
    t.push_back({"set_sg_master_address", "<sg> <address|none>",
                 "the master address the SG's servers transfer from", 2, 2, "", "",
                 set_sg_master_address});
    t.push_back({"set_sg_master_alt_address", "<sg> <address|none>",
                 "the alternate master address (the DR replica's)", 2, 2, "", "",
                 set_sg_master_alt_address});
    t.push_back({"set_sg_replica_sg", "[-f] <sg|none>",
                 "make an SG the replica SG, which serves every zone (asks first)", 1, 1, "f",
                 "", set_sg_replica_sg});
    t.push_back({"set_zone_sg", "[-g sg] <domain> [sg]",
                 "move a DISABLED zone to another SG (default: zone_cfg default_sg)", 1, 2, "",
                 "g", set_zone_sg});
    t.push_back({"dupe_zone_alt_sg", "<domain> <sg>",
                 "serve a zone from a second SG as well (SG migration)", 2, 2, "", "",
                 dupe_zone_alt_sg});
    t.push_back({"delete_zone_alt_sg", "<domain>", "stop serving a zone from its alternate SG",
                 1, 1, "", "", delete_zone_alt_sg});
    t.push_back({"swap_zone_sg", "[-f] <domain>",
                 "swap a zone's SG and alternate SG (asks first)", 1, 1, "f", "",
                 swap_zone_sg});
    t.push_back({"reconfig_sg", "<sg>", "queue a reconfiguration of an SG's servers", 1, 1, "",
                 "", reconfig_sg});
    t.push_back({"reconfig_replica_sg", "", "queue a reconfiguration of the replica SG", 0, 0,
                 "", "", reconfig_replica_sg});
    t.push_back({"reconfig_all", "", "queue a reconfiguration of the master and every SG", 0, 0,
                 "", "", reconfig_all});
    t.push_back({"refresh_sg", "[-f] <sg>",
                 "publish every PUBLISHED zone of an SG again (asks first)", 1, 1, "f", "",
                 refresh_sg});
    t.push_back({"refresh_all", "[-f]", "publish every PUBLISHED zone again (asks first)", 0, 0,
                 "f", "", refresh_all});
    t.push_back({"ls_server", "[-tv] [-g sg] [name...]",
                 "list servers (-t: enabled only; -v: type, ports, last reply, probe round "
                 "trip, zones, lagging zones, repairs, retry message)", 0, -1, "tv", "g", ls_server});
    t.push_back({"ls_slave", "[-atv] [-g sg] [name...]",
                 "as ls_server without the replica SG's servers (-a: with them)", 0, -1, "atv",
                 "g", ls_slave});
    t.push_back({"show_server", "<name>", "every field of a server", 1, 1, "", "",
                 show_server});
    t.push_back({"show_server_byaddr", "<address>", "the server(s) with an address", 1, 1, "",
                 "", show_server_byaddr});
    t.push_back({"create_server",
                 "[-g sg] [-P dns[,rndc[,rsync]]] <name> <address> [bind9|nsd3] [ssh-address]",
                 "create a server, DISABLED (ports default to 53, 953, 873)", 2, 4, "", "gP",
                 create_server});
    t.push_back({"delete_server", "[-f] <name>", "delete a DISABLED server (asks first)", 1, 1,
                 "f", "", delete_server});
    t.push_back({"set_server_type", "<name> <bind9|nsd3>", "change a DISABLED server's type", 2,
                 2, "", "", set_server_type});
    t.push_back({"set_server_address", "<name> <address>",
                 "change a DISABLED server's address", 2, 2, "", "", set_server_address});
    t.push_back({"set_server_ports", "<name> <dns-port|-> [rndc-port|- [rsync-port|-]]",
                 "change a DISABLED server's ports ('-' keeps one)", 2, 4, "", "",
                 set_server_ports});
    t.push_back({"rename_server", "[-f] <name> <new-name>",
                 "rename a DISABLED server (asks first)", 2, 2, "f", "", rename_server});
    t.push_back({"set_server_ssh_address", "<name> <address|none>",
                 "the address to reach a server by ssh", 2, 2, "", "", set_server_ssh_address});
    t.push_back({"move_server_sg", "<name> <sg>", "move a DISABLED server to another SG", 2, 2,
                 "", "", move_server_sg});
    // clang-format on
}

} // namespace dms::zone_tool
