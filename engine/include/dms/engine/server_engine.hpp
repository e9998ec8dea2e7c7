// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Server groups and servers: the catalog operations behind ls_sg ... move_server_sg
// (REFERENCE.md 5.2 "Servers & SGs" and the SG part of "Master / system"). Enabling,
// disabling and resetting servers belong to ServerSM.
//
// Each call is one transaction: refusals are dms::Error (NoSgFound, SgExists,
// SgStillHasZones, SgStillHasServers, ReplicaSgExists, NoReplicaSgFound, ServerExists,
// NoServerFound, NoServerFoundByAddress, ServerAddressExists, ServerNotDisabled,
// ZoneNotDisabled, usage errors naming the bad argument) and change nothing. Every
// change is audited.
//
// What reconfigures what: a change to what an SG serves or to how its servers are
// configured queues MasterSMPartialReconfig {"sg_id", "sg_name"} for each SG affected
// (coalesced with pending identical requests), in the same transaction: the master
// rewrites its includes and the SG's server configuration, then tells the SG's enabled
// servers. Renaming a server or changing its ssh address reconfigures nothing (rndc.conf
// is written by write_rndc_conf).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/session.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zones.hpp"
#include "dms/drivers/slave_driver.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

/// An SG with what refers to it.
struct SgView {
    db::SgRecord sg;
    bool replica = false;
    db::SgUsage usage;
    std::vector<db::ServerRecord> servers; ///< by name
};

struct NewSg {
    std::string name;
    std::string config_dir;         ///< "" = the default templates
    std::string master_address;     ///< "" = none
    std::string master_alt_address; ///< "" = none
    bool replica = false;           ///< make it the replica SG (refused if there is one)
};

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

/// What a zone SG change did.
struct ZoneSgChange {
    db::ZoneRecord zone; ///< after the change
    bool changed = true; ///< false: nothing to do (e.g. no alternate SG to clear)
    std::string message;
};

/// The server types dms configures ("bind9", "nsd3").
std::span<const std::string_view> server_types();

/// Checks shared with the API: "" if fine, else the problem (naming `what`).
std::string check_sg_name(std::string_view name);
std::string check_server_name(std::string_view name);
/// An IPv4 or IPv6 host address; returns it normalised (e.g. "2001:db8::1"), or
/// std::nullopt if it is not one.
std::optional<std::string> normalize_address(std::string_view address);

class ServerEngine {
public:
    ServerEngine(db::Session& session, const Config& config, Caller caller);

    // ---- server groups ------------------------------------------------------------------
    /// Every SG, by name (usage and servers not filled in).
    std::vector<SgView> list_sgs();
    SgView show_sg(std::string_view name);
    /// Refused with NoReplicaSgFound when there is none.
    SgView show_replica_sg();
    db::SgRecord create_sg(const NewSg& sg);
    /// Refused while zones (primary or alternate, deleted ones too) or servers use it,
    /// or zone_cfg default_sg names it.
    void delete_sg(std::string_view name);
    /// zone_cfg default_sg follows the new name.
    void rename_sg(std::string_view name, std::string_view new_name);
    /// "" = back to the default templates.
    void set_sg_config(std::string_view name, std::string_view config_dir);
    /// "" = none.
    void set_sg_master_address(std::string_view name, std::string_view address);
    void set_sg_master_alt_address(std::string_view name, std::string_view address);
    /// Make the SG the replica SG ("" = no replica SG); the old and new one reconfigure.
    void set_replica_sg(std::string_view name);

    // ---- zones and SGs ------------------------------------------------------------------
    /// Move a DISABLED zone to another SG ("" = zone_cfg default_sg). A disabled zone is
    /// in no SG's configuration, so nothing is reconfigured: enabling it configures it.
    ZoneSgChange set_zone_sg(std::string_view zone, std::string_view sg);
    /// Serve the zone from a second SG as well (ZoneSMDoSetAltSg); it must differ from
    /// the zone's SG. A replaced alternate SG is reconfigured too.
    ZoneSgChange dupe_zone_alt_sg(std::string_view zone, std::string_view sg);
    ZoneSgChange delete_zone_alt_sg(std::string_view zone);
    /// The alternate SG becomes the primary and the other way round (ZoneSMDoSgSwap).
    ZoneSgChange swap_zone_sg(std::string_view zone);

    // ---- reconfiguring and refreshing ------------------------------------------------------
    /// Queue MasterSMPartialReconfig for the SG; the event id.
    std::int64_t reconfig_sg(std::string_view name);
    std::int64_t reconfig_replica_sg();
    /// Queue MasterSMAllReconfig.
    std::int64_t reconfig_all();
    /// refresh_zone of every PUBLISHED zone of the SG (primary SG) / of every PUBLISHED
    /// zone, in one transaction; the names, by name.
    std::vector<std::string> refresh_sg(std::string_view name);
    std::vector<std::string> refresh_all();

    // ---- servers ------------------------------------------------------------------------------
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
