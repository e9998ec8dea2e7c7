// SPDX-License-Identifier: GPL-3.0-or-later
// Servers (see server_engine.hpp); their server groups are sg_engine.cpp's.
#include "dms/engine/server_engine.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/db/events.hpp"
#include "dms/db/sgs.hpp"
#include "dms/engine/server_context.hpp"

#include "audit.hpp"
#include "sg_lookup.hpp"
#include "sg_reconfig.hpp"
#include "usage_checks.hpp"

namespace dms::engine {

namespace {

constexpr std::array<std::string_view, 2> types{"bind9", "nsd3"};

} // namespace

std::span<const std::string_view> server_types() {
    return types;
}

std::string check_server_name(std::string_view name) {
    return detail::check_name("server name", name, 255);
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

using namespace detail;

namespace {

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

} // namespace

ServerEngine::ServerEngine(db::Session& session, const Config& config, Caller caller)
    : m_session(session), m_config(config), m_caller(std::move(caller)) {}

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
    const auto target = to_slave_target(s);
    AdminConfigSent sent;
    sent.dir = m_config.value("server_admin_config_dir") + "/" + s.server_type;
    sent.send = slaves.send_directory(target, sent.dir);
    if (reload && sent.send.kind == drivers::SlaveStep::Kind::ok) {
        sent.reload = slaves.reload_config(target);
    }
    return sent;
}

} // namespace dms::engine
