// SPDX-License-Identifier: GPL-3.0-or-later
// Server groups and servers (see server_engine.hpp); the zone side of SGs and the SG
// reconfigure/refresh requests are in sg_zone_ops.cpp.
#include "dms/engine/server_engine.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/audit.hpp"
#include "dms/db/events.hpp"
#include "dms/db/zone_cfg.hpp"

#include "server_util.hpp"

namespace dms::engine {

namespace {

constexpr std::array<std::string_view, 2> types{"bind9", "nsd3"};

/// The schema's CHECK on server_groups.name and sm_servers.name.
std::string check_name(std::string_view what, std::string_view name, std::size_t max) {
    const auto ok_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    };
    if (name.empty() || name.size() > max ||
        std::isalnum(static_cast<unsigned char>(name[0])) == 0 ||
        !std::all_of(name.begin(), name.end(), ok_char)) {
        return fmt::format("bad {} '{}': letters, digits and -_., starting with a letter or "
                           "digit, at most {}",
                           what, name, max);
    }
    return {};
}

} // namespace

std::span<const std::string_view> server_types() {
    return types;
}

std::string check_sg_name(std::string_view name) {
    return check_name("server group name", name, 60);
}

std::string check_server_name(std::string_view name) {
    return check_name("server name", name, 255);
}

std::optional<std::string> normalize_address(std::string_view address) {
    const std::string text(address);
    unsigned char buf[16];
    char out[INET6_ADDRSTRLEN];
    for (const int af : {AF_INET, AF_INET6}) {
        if (inet_pton(af, text.c_str(), buf) == 1 &&
            inet_ntop(af, buf, out, sizeof out) != nullptr) {
            return std::string(out);
        }
    }
    return std::nullopt;
}

namespace detail {

std::string address_or_throw(std::string_view what, std::string_view address) {
    if (address.empty()) {
        return {};
    }
    auto a = normalize_address(address);
    if (!a) {
        throw Error(ErrorCode::usage,
                    fmt::format("{} '{}' is not an IPv4 or IPv6 address", what, address));
    }
    return *a;
}

void name_or_throw(const std::string& problem) {
    if (!problem.empty()) {
        throw Error(ErrorCode::usage, problem);
    }
}

db::SgRecord require_sg(db::Transaction& tx, std::string_view name, bool for_update) {
    auto sg = for_update ? db::sgs::lock(tx, name) : db::sgs::find(tx, name);
    if (!sg) {
        throw Error(ErrorCode::no_sg_found, fmt::format("server group '{}' not found", name));
    }
    return *sg;
}

db::SgRecord sg_or_default(db::Transaction& tx, std::string_view name) {
    if (!name.empty()) {
        return require_sg(tx, name, false);
    }
    const auto def = db::zone_cfg::value(tx, "default_sg");
    if (!def || def->empty()) {
        throw Error(ErrorCode::no_sg_found, "no server group given and zone_cfg has no default_sg");
    }
    return require_sg(tx, *def, false);
}

std::int64_t queue_partial_reconfig(db::Transaction& tx, const db::SgRecord& sg) {
    db::NewEvent e;
    e.event_type = "MasterSMPartialReconfig";
    e.master_id = 1;
    e.parameters =
        boost::json::serialize(boost::json::object{{"sg_id", sg.id}, {"sg_name", sg.name}});
    e.coalesce = true;
    return db::events::insert(tx, e);
}

std::int64_t queue_all_reconfig(db::Transaction& tx) {
    db::NewEvent e;
    e.event_type = "MasterSMAllReconfig";
    e.master_id = 1;
    e.coalesce = true;
    return db::events::insert(tx, e);
}

void audit_change(db::Transaction& tx, const Caller& caller, std::string_view operation,
                  std::string_view subject, std::optional<std::int64_t> server_id,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> details) {
    boost::json::object o;
    for (const auto& [k, v] : details) {
        o[k] = v;
    }
    db::audit::Entry e;
    e.change_by = caller.change_by();
    e.operation = std::string(operation);
    e.subject = std::string(subject);
    e.server_id = server_id;
    e.details = boost::json::serialize(o);
    db::audit::record(tx, e);
    log::info(std::string(subject), operation, "by {}", caller.change_by());
}

} // namespace detail

using namespace detail;

namespace {

std::string check_config_dir(std::string_view dir) {
    if (!dir.empty() && (!dir.starts_with('/') || dir.size() > 1024)) {
        throw Error(
            ErrorCode::usage,
            fmt::format("config directory '{}' is not an absolute path (at most 1024)", dir));
    }
    return std::string(dir);
}

void check_port(std::string_view what, int port) {
    if (port < 1 || port > 65535) {
        throw Error(ErrorCode::usage, fmt::format("{} {} is not in 1..65535", what, port));
    }
}

void check_ports(const ServerPorts& p) {
    check_port("DNS port", p.dns);
    check_port("rndc port", p.rndc);
    check_port("rsync port", p.rsync);
}

std::string check_type(std::string_view type) {
    if (std::find(types.begin(), types.end(), type) == types.end()) {
        throw Error(ErrorCode::usage,
                    fmt::format("unknown server type '{}' (bind9 or nsd3)", type));
    }
    return std::string(type);
}

db::ServerRecord require_server(db::Transaction& tx, std::string_view name, bool for_update) {
    auto s = db::servers::find(tx, name, for_update);
    if (!s) {
        throw Error(ErrorCode::no_server_found, fmt::format("server '{}' not found", name));
    }
    return *s;
}

/// The server, locked, refused unless DISABLED (ServerSM owns enabled servers).
db::ServerRecord require_disabled(db::Transaction& tx, std::string_view name,
                                  std::string_view operation) {
    auto s = require_server(tx, name, true);
    if (s.state != "DISABLED") {
        throw Error(ErrorCode::server_not_disabled,
                    fmt::format("server '{}' is {}: disable_server it before {}", s.name, s.state,
                                operation));
    }
    return s;
}

/// Two servers on one address and DNS port could never both be enabled.
void refuse_address_taken(db::Transaction& tx, const db::ServerRecord& s) {
    for (const auto& other : db::servers::find_by_address(tx, s.address)) {
        if (other.id != s.id && other.dns_port == s.dns_port) {
            throw Error(ErrorCode::server_address_exists,
                        fmt::format("server '{}' already has address {} port {}", other.name,
                                    s.address, s.dns_port));
        }
    }
}

SgView view_of(db::Transaction& tx, db::SgRecord sg) {
    SgView v;
    const auto replica = db::sgs::replica(tx);
    v.replica = replica && replica->id == sg.id;
    v.usage = db::sgs::usage(tx, sg.id);
    v.servers = db::servers::of_sg(tx, sg.id);
    v.sg = std::move(sg);
    return v;
}

} // namespace

ServerEngine::ServerEngine(db::Session& session, const Config& config, Caller caller)
    : m_session(session), m_config(config), m_caller(std::move(caller)) {}

// ---- server groups ----------------------------------------------------------------------

std::vector<SgView> ServerEngine::list_sgs() {
    return m_session.transaction("ls_sg", [](db::Transaction& tx) {
        const auto replica = db::sgs::replica(tx);
        std::vector<SgView> out;
        for (auto& sg : db::sgs::list(tx)) {
            SgView v;
            v.replica = replica && replica->id == sg.id;
            v.sg = std::move(sg);
            out.push_back(std::move(v));
        }
        return out;
    });
}

SgView ServerEngine::show_sg(std::string_view name) {
    return m_session.transaction(
        "show_sg", [&](db::Transaction& tx) { return view_of(tx, require_sg(tx, name, false)); });
}

SgView ServerEngine::show_replica_sg() {
    return m_session.transaction("show_replica_sg", [](db::Transaction& tx) {
        auto sg = db::sgs::replica(tx);
        if (!sg) {
            throw Error(ErrorCode::no_replica_sg_found,
                        "no server group is the replica SG (create_sg -p or set_sg_replica_sg)");
        }
        return view_of(tx, *sg);
    });
}

db::SgRecord ServerEngine::create_sg(const NewSg& n) {
    name_or_throw(check_sg_name(n.name));
    db::SgRecord sg;
    sg.name = n.name;
    sg.config_dir = check_config_dir(n.config_dir);
    sg.master_address = address_or_throw("master address", n.master_address);
    sg.master_alt_address = address_or_throw("master alt address", n.master_alt_address);
    return m_session.transaction("create_sg", [&](db::Transaction& tx) {
        if (n.replica) {
            if (const auto old = db::sgs::replica(tx)) {
                throw Error(ErrorCode::replica_sg_exists,
                            fmt::format("server group '{}' is the replica SG already (change it "
                                        "with set_sg_replica_sg)",
                                        old->name));
            }
        }
        const auto id = db::sgs::insert(tx, sg);
        if (!id) {
            throw Error(ErrorCode::sg_exists,
                        fmt::format("server group '{}' already exists", sg.name));
        }
        auto created = sg;
        created.id = *id;
        if (n.replica) {
            db::sgs::set_replica(tx, created.id);
        }
        audit_change(tx, m_caller, "create_sg", sg.name, std::nullopt,
                     {{"config_dir", sg.config_dir},
                      {"master_address", sg.master_address},
                      {"master_alt_address", sg.master_alt_address},
                      {"replica", n.replica ? "true" : "false"}});
        return created;
    });
}

void ServerEngine::delete_sg(std::string_view name) {
    m_session.transaction("delete_sg", [&](db::Transaction& tx) {
        const auto sg = require_sg(tx, name, true);
        const auto u = db::sgs::usage(tx, sg.id);
        if (u.zones > 0 || u.alt_zones > 0) {
            std::string uses;
            if (u.zones > 0) {
                uses =
                    fmt::format("{} zone(s){}", u.zones,
                                u.deleted_zones > 0
                                    ? fmt::format(" ({} deleted, until destroyed)", u.deleted_zones)
                                    : "");
            }
            if (u.alt_zones > 0) {
                uses += fmt::format("{}{} zone(s) as their alternate SG",
                                    uses.empty() ? "" : " and ", u.alt_zones);
            }
            throw Error(
                ErrorCode::sg_still_has_zones,
                fmt::format("server group '{}' is used by {}: move them first", sg.name, uses));
        }
        if (u.servers > 0) {
            throw Error(ErrorCode::sg_still_has_servers,
                        fmt::format("server group '{}' has {} server(s): move or delete them first",
                                    sg.name, u.servers));
        }
        if (db::sgs::is_default_sg(tx, sg.name)) {
            throw Error(ErrorCode::zone_cfg_item_value_error,
                        fmt::format("server group '{}' is zone_cfg default_sg: set_config "
                                    "default_sg to another first",
                                    sg.name));
        }
        db::sgs::remove(tx, sg.id);
        audit_change(tx, m_caller, "delete_sg", sg.name, std::nullopt, {});
    });
}

void ServerEngine::rename_sg(std::string_view name, std::string_view new_name) {
    name_or_throw(check_sg_name(new_name));
    m_session.transaction("rename_sg", [&](db::Transaction& tx) {
        auto sg = require_sg(tx, name, true);
        if (const auto other = db::sgs::find(tx, new_name); other && other->id != sg.id) {
            throw Error(ErrorCode::sg_exists,
                        fmt::format("server group '{}' already exists", new_name));
        }
        const auto old = sg.name;
        sg.name = std::string(new_name);
        db::sgs::update(tx, sg);
        db::sgs::rename_default_sg(tx, old, sg.name);
        // Its include directory and ACL name follow the name.
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "rename_sg", old, std::nullopt, {{"new", sg.name}});
    });
}

void ServerEngine::set_sg_config(std::string_view name, std::string_view config_dir) {
    const auto dir = check_config_dir(config_dir);
    m_session.transaction("set_sg_config", [&](db::Transaction& tx) {
        auto sg = require_sg(tx, name, true);
        sg.config_dir = dir;
        db::sgs::update(tx, sg);
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "set_sg_config", sg.name, std::nullopt, {{"config_dir", dir}});
    });
}

void ServerEngine::set_sg_master_address(std::string_view name, std::string_view address) {
    const auto a = address_or_throw("master address", address);
    m_session.transaction("set_sg_master_address", [&](db::Transaction& tx) {
        auto sg = require_sg(tx, name, true);
        sg.master_address = a;
        db::sgs::update(tx, sg);
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "set_sg_master_address", sg.name, std::nullopt,
                     {{"master_address", a}});
    });
}

void ServerEngine::set_sg_master_alt_address(std::string_view name, std::string_view address) {
    const auto a = address_or_throw("master alt address", address);
    m_session.transaction("set_sg_master_alt_address", [&](db::Transaction& tx) {
        auto sg = require_sg(tx, name, true);
        sg.master_alt_address = a;
        db::sgs::update(tx, sg);
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "set_sg_master_alt_address", sg.name, std::nullopt,
                     {{"master_alt_address", a}});
    });
}

void ServerEngine::set_replica_sg(std::string_view name) {
    m_session.transaction("set_sg_replica_sg", [&](db::Transaction& tx) {
        const auto old = db::sgs::replica(tx);
        std::optional<db::SgRecord> sg;
        if (!name.empty()) {
            sg = require_sg(tx, name, true);
        }
        if ((old ? old->id : 0) == (sg ? sg->id : 0)) {
            return; // already so
        }
        db::sgs::set_replica(tx, sg ? std::optional(sg->id) : std::nullopt);
        // The replica SG serves every zone; the old one goes back to its own zones.
        if (old) {
            queue_partial_reconfig(tx, *old);
        }
        if (sg) {
            queue_partial_reconfig(tx, *sg);
        }
        audit_change(tx, m_caller, "set_sg_replica_sg", sg ? sg->name : "none", std::nullopt,
                     {{"old", old ? old->name : ""}});
    });
}

// ---- servers ------------------------------------------------------------------------------

std::vector<db::ServerRecord> ServerEngine::list_servers(const db::ServerFilter& filter) {
    return m_session.transaction("ls_server", [&](db::Transaction& tx) {
        if (filter.sg_name) {
            require_sg(tx, *filter.sg_name, false);
        }
        return db::servers::list(tx, filter);
    });
}

db::ServerRecord ServerEngine::show_server(std::string_view name) {
    return m_session.transaction(
        "show_server", [&](db::Transaction& tx) { return require_server(tx, name, false); });
}

std::vector<db::ServerRecord> ServerEngine::show_server_by_address(std::string_view address) {
    const auto a = address_or_throw("address", address);
    return m_session.transaction("show_server_byaddr", [&](db::Transaction& tx) {
        auto found = db::servers::find_by_address(tx, a);
        if (found.empty()) {
            throw Error(ErrorCode::no_server_found_by_address,
                        fmt::format("no server has address {}", a));
        }
        return found;
    });
}

db::ServerRecord ServerEngine::create_server(const NewServer& n) {
    name_or_throw(check_server_name(n.name));
    if (n.address.empty()) {
        throw Error(ErrorCode::usage, "a server needs an address");
    }
    db::ServerRecord s;
    s.name = n.name;
    s.address = address_or_throw("server address", n.address);
    s.server_type = check_type(n.server_type);
    s.ssh_address = address_or_throw("ssh address", n.ssh_address);
    check_ports(n.ports);
    s.dns_port = n.ports.dns;
    s.rndc_port = n.ports.rndc;
    s.rsync_port = n.ports.rsync;
    return m_session.transaction("create_server", [&](db::Transaction& tx) {
        const auto sg = sg_or_default(tx, n.sg_name);
        s.sg_id = sg.id;
        refuse_address_taken(tx, s);
        const auto id = db::servers::insert(tx, s);
        if (!id) {
            throw Error(ErrorCode::server_exists,
                        fmt::format("server '{}' already exists", s.name));
        }
        // The master's ACLs and also-notify lists name every server of the SG.
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "create_server", s.name, *id,
                     {{"sg", sg.name},
                      {"address", s.address},
                      {"server_type", s.server_type},
                      {"ssh_address", s.ssh_address},
                      {"ports", fmt::format("{}/{}/{}", s.dns_port, s.rndc_port, s.rsync_port)}});
        return *db::servers::find_by_id(tx, *id);
    });
}

void ServerEngine::delete_server(std::string_view name) {
    m_session.transaction("delete_server", [&](db::Transaction& tx) {
        const auto s = require_disabled(tx, name, "deleting it");
        // A disabled server's pending events are no-ops; without it they would have no
        // machine at all.
        for (const auto& e : db::events::pending(tx)) {
            if (e.server_id == s.id) {
                db::events::cancel(tx, e.id, "server " + s.name + " deleted");
            }
        }
        db::servers::remove(tx, s.id);
        queue_partial_reconfig(tx, require_sg(tx, s.sg_name, false));
        audit_change(tx, m_caller, "delete_server", s.name, std::nullopt,
                     {{"sg", s.sg_name}, {"address", s.address}});
    });
}

void ServerEngine::set_server_type(std::string_view name, std::string_view server_type) {
    const auto type = check_type(server_type);
    m_session.transaction("set_server_type", [&](db::Transaction& tx) {
        auto s = require_disabled(tx, name, "changing its type");
        s.server_type = type;
        db::servers::update(tx, s);
        // The SG's configuration is written per server type.
        queue_partial_reconfig(tx, require_sg(tx, s.sg_name, false));
        audit_change(tx, m_caller, "set_server_type", s.name, s.id, {{"server_type", type}});
    });
}

void ServerEngine::set_server_address(std::string_view name, std::string_view address) {
    if (address.empty()) {
        throw Error(ErrorCode::usage, "a server needs an address");
    }
    const auto a = address_or_throw("server address", address);
    m_session.transaction("set_server_address", [&](db::Transaction& tx) {
        auto s = require_disabled(tx, name, "changing its address");
        s.address = a;
        refuse_address_taken(tx, s);
        db::servers::update(tx, s);
        queue_partial_reconfig(tx, require_sg(tx, s.sg_name, false));
        audit_change(tx, m_caller, "set_server_address", s.name, s.id, {{"address", a}});
    });
}

void ServerEngine::set_server_ports(std::string_view name, std::optional<int> dns,
                                    std::optional<int> rndc, std::optional<int> rsync) {
    m_session.transaction("set_server_ports", [&](db::Transaction& tx) {
        auto s = require_disabled(tx, name, "changing its ports");
        const ServerPorts ports{dns.value_or(s.dns_port), rndc.value_or(s.rndc_port),
                                rsync.value_or(s.rsync_port)};
        check_ports(ports);
        s.dns_port = ports.dns;
        s.rndc_port = ports.rndc;
        s.rsync_port = ports.rsync;
        refuse_address_taken(tx, s);
        db::servers::update(tx, s);
        queue_partial_reconfig(tx, require_sg(tx, s.sg_name, false));
        audit_change(tx, m_caller, "set_server_ports", s.name, s.id,
                     {{"ports", fmt::format("{}/{}/{}", s.dns_port, s.rndc_port, s.rsync_port)}});
    });
}

void ServerEngine::rename_server(std::string_view name, std::string_view new_name) {
    name_or_throw(check_server_name(new_name));
    m_session.transaction("rename_server", [&](db::Transaction& tx) {
        auto s = require_disabled(tx, name, "renaming it");
        if (const auto other = db::servers::find(tx, new_name); other && other->id != s.id) {
            throw Error(ErrorCode::server_exists,
                        fmt::format("server '{}' already exists", new_name));
        }
        const auto old = s.name;
        s.name = std::string(new_name);
        db::servers::update(tx, s);
        audit_change(tx, m_caller, "rename_server", old, s.id, {{"new", s.name}});
    });
}

void ServerEngine::move_server_sg(std::string_view name, std::string_view sg_name) {
    m_session.transaction("move_server_sg", [&](db::Transaction& tx) {
        auto s = require_disabled(tx, name, "moving it");
        const auto from = require_sg(tx, s.sg_name, false);
        const auto to = require_sg(tx, sg_name, false);
        if (from.id == to.id) {
            return; // already there
        }
        s.sg_id = to.id;
        db::servers::update(tx, s);
        queue_partial_reconfig(tx, from);
        queue_partial_reconfig(tx, to);
        audit_change(tx, m_caller, "move_server_sg", s.name, s.id,
                     {{"from", from.name}, {"to", to.name}});
    });
}

void ServerEngine::set_server_ssh_address(std::string_view name, std::string_view address) {
    const auto a = address_or_throw("ssh address", address);
    m_session.transaction("set_server_ssh_address", [&](db::Transaction& tx) {
        auto s = require_server(tx, name, true);
        s.ssh_address = a;
        db::servers::update(tx, s);
        audit_change(tx, m_caller, "set_server_ssh_address", s.name, s.id, {{"ssh_address", a}});
    });
}

AdminConfigSent ServerEngine::send_admin_config(std::string_view name, drivers::SlaveDriver& slaves,
                                                bool reload) {
    const auto s = show_server(name);
    const drivers::SlaveTarget target{s.name,      s.address,    s.dns_port,
                                      s.rndc_port, s.rsync_port, s.sg_name};
    AdminConfigSent sent;
    sent.dir = m_config.value("server_admin_config_dir") + "/" + s.server_type;
    sent.send = slaves.send_directory(target, sent.dir);
    if (reload && sent.send.kind == drivers::SlaveStep::Kind::ok) {
        sent.reload = slaves.reload_config(target);
    }
    return sent;
}

} // namespace dms::engine
