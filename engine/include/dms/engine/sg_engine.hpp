// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Server groups: the operations behind ls_sg ... set_sg_replica_sg, a zone's SG and
// alternate SG (set_zone_sg, dupe_zone_alt_sg, delete_zone_alt_sg, swap_zone_sg), and the
// SG reconfigure and refresh requests (REFERENCE.md 5.2 "Servers & SGs" and the SG part
// of "Master / system"). The servers in an SG are server_engine.hpp's.
//
// Each call is one transaction: refusals are dms::Error (NoSgFound, SgExists,
// SgStillHasZones, SgStillHasServers, ReplicaSgExists, NoReplicaSgFound,
// ZoneNotDisabled, ZoneNoAltSgForSwap, usage errors naming the bad argument) and change
// nothing. Every change is audited.
//
// What reconfigures what: a change to what an SG serves or to how its servers are
// configured queues MasterSMPartialReconfig {"sg_id", "sg_name"} for each SG affected
// (coalesced with pending identical requests), in the same transaction: the master
// rewrites its includes and the SG's server configuration, then tells the SG's enabled
// servers.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/session.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zones.hpp"
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

/// What a zone SG change did.
struct ZoneSgChange {
    db::ZoneRecord zone; ///< after the change
    bool changed = true; ///< false: nothing to do (e.g. no alternate SG to clear)
    std::string message;
};

/// The check of an SG name, shared with the API: "" if fine, else the problem.
std::string check_sg_name(std::string_view name);

class SgEngine {
public:
    SgEngine(db::Session& session, const Config& config, Caller caller);

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

private:
    db::Session& m_session;
    const Config& m_config;
    Caller m_caller;
};

} // namespace dms::engine
