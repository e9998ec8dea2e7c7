// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Servers: the operations behind ls_server ... move_server_sg and sending a server its
// admin configuration (REFERENCE.md 5.2 "Servers & SGs"). Their server groups are
// sg_engine.hpp's; enabling, disabling and resetting servers belong to ServerSM.
//
// Each call is one transaction: refusals are dms::Error (NoSgFound, ServerExists,
// NoServerFound, NoServerFoundByAddress, ServerAddressExists, ServerNotDisabled, usage
// errors naming the bad argument) and change nothing. Every change is audited.
//
// A change to how the servers of an SG are configured (a server created, deleted, moved,
// given another type, address or ports) reconfigures each SG affected, as sg_engine.hpp
// says. Renaming a server or changing its ssh address reconfigures nothing (rndc.conf
// is written by write_rndc_conf).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/session.hpp"
#include "dms/drivers/slave_driver.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

struct ServerPorts {
    int dns = 53;
    int rndc = 953;
    int rsync = 873;
};

struct NewServer {
    std::string name;
    std::string address;
    std::string server_type = "bind9";
    std::string ssh_address; ///< "" = none
    std::string sg_name;     ///< "" = zone_cfg default_sg
    ServerPorts ports;
};

/// What rsync_server_admin_config did: the directory, the rsync, the rndc reconfig
/// (std::nullopt when not asked for or the rsync failed).
struct AdminConfigSent {
    std::string dir;
    drivers::SlaveStep send;
    std::optional<drivers::SlaveStep> reload;
};

/// The server types dms configures ("bind9", "nsd3").
std::span<const std::string_view> server_types();

/// Checks shared with the API: "" if fine, else the problem.
std::string check_server_name(std::string_view name);
/// An IPv4 or IPv6 host address; returns it normalised (e.g. "2001:db8::1"), or
/// std::nullopt if it is not one.
std::optional<std::string> normalize_address(std::string_view address);

class ServerEngine {
public:
    ServerEngine(db::Session& session, const Config& config, Caller caller);

    std::vector<db::ServerRecord> list_servers(const db::ServerFilter& filter);
    db::ServerRecord show_server(std::string_view name);
    /// Every server with that address (several may share one on different ports).
    std::vector<db::ServerRecord> show_server_by_address(std::string_view address);
    /// A new DISABLED server.
    db::ServerRecord create_server(const NewServer& server);
    // The changes below refuse (ServerNotDisabled) unless the server is DISABLED.
    void delete_server(std::string_view name);
    void set_server_type(std::string_view name, std::string_view server_type);
    void set_server_address(std::string_view name, std::string_view address);
    /// Change the ports given (std::nullopt keeps one).
    void set_server_ports(std::string_view name, std::optional<int> dns, std::optional<int> rndc,
                          std::optional<int> rsync);
    void rename_server(std::string_view name, std::string_view new_name);
    void move_server_sg(std::string_view name, std::string_view sg);
    /// Any state; "" = none.
    void set_server_ssh_address(std::string_view name, std::string_view address);
    /// Send server_admin_config_dir/<server type>/ to the server's dnsconf module, then,
    /// with `reload` and if that worked, make it load its configuration (rndc reconfig).
    /// Nothing in the database changes.
    AdminConfigSent send_admin_config(std::string_view name, drivers::SlaveDriver& slaves,
                                      bool reload);

private:
    db::Session& m_session;
    const Config& m_config;
    Caller m_caller;
};

} // namespace dms::engine
