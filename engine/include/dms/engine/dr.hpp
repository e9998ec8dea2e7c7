// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The DR pair (docs/disaster-recovery.md, REFERENCE.md 10): a master site and a replica
// site whose PostgreSQL is a hot standby of the master's and whose named slaves every
// zone. This is the engine's part of it:
//  - node_name(): the name a site records in sm_master.master_hostname when it is the
//    active master (dms.conf node_name, else the host name);
//  - check_not_fenced(): dmsd's start-up check that no other node took over;
//  - promote_replica(): what zone_tool promote_replica does on the replica site once the
//    old master is lost (the processes — named, dmsd — are sbin/dms_promote_replica's);
//  - replication_status(): the pair as show_dms_status shows it.
//
// Contract: check_not_fenced throws Error(ErrorCode::master_fenced) naming the other
// node; promote_replica throws Error(ErrorCode::promote_failure) if the database cannot
// be promoted, and is idempotent (a second run finds every step done and says so).
// Driver failures of promote_replica's DNS queries are reported, never thrown.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/db/replication.hpp"
#include "dms/db/session.hpp"
#include "dms/drivers/named_driver.hpp"
#include "dms/drivers/slave_driver.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

/// dms.conf node_name, or the host name when it is empty.
std::string node_name(const Config& config);

/// dmsd's start-up fencing (docs/disaster-recovery.md "Fencing"). Refuses when
///  - this database records another node as the active master (a replica promoted
///    itself and this site's dmsd was pointed at its database), or
///  - dr_partner_db_host is set, the partner's database is a primary on a later
///    timeline than this one (it was promoted after this one last was) and records
///    another node as the active master: this is the old master coming back.
/// A partner that cannot be reached does not fence (it is logged): the partner being
/// down must not stop the master. With `force` both refusals become warnings.
/// @throws dms::Error(ErrorCode::master_fenced) naming the active node and what to do
void check_not_fenced(db::Session& session, const Config& config, bool force);

struct PromoteReport {
    std::vector<std::string> done;        ///< one line per step, in order, for the operator
    bool promoted_database = false;       ///< false: it was a primary already
    std::string old_master;               ///< the node recorded before ("" if none)
    std::size_t zones = 0;                ///< published zones whose serials were compared
    std::size_t republished = 0;          ///< of those, queued for publishing with a new serial
    std::vector<std::string> unreachable; ///< servers that did not answer the probe
    std::int64_t reconfig_event = 0;      ///< the MasterSMAllReconfig queued
};

/// What raise_serials_above_servers found and did.
struct SerialFloors {
    std::size_t zones = 0;                ///< published zones whose serials were compared
    std::size_t servers = 0;              ///< servers asked (this site's named included)
    std::size_t republished = 0;          ///< zones queued for publishing with a new serial
    std::vector<std::string> unreachable; ///< servers that did not answer the probe
};

/// Ask this site's named and every enabled server for each published zone's serial. A
/// zone some server holds ahead of the database (its content is newer than the
/// database's: an old master published it and died before committing, or the database
/// was restored from a dump), or that this site's named serves with another serial (or
/// not at all), gets its recorded serial raised to the highest seen and a ZoneSMDoRefresh
/// with a forced serial update: published with a serial above all, so that every slave
/// takes the database's content. `operation` names it in logs.
SerialFloors raise_serials_above_servers(db::Session& session, const Config& config,
                                         drivers::SlaveDriver& slaves, const Caller& caller,
                                         std::string_view operation);

/// On the replica site, with its dms.conf: make this site the master.
///  1. Promote the database if it is still a standby (pg_promote, waiting up to 60 s).
///  2. Record this node as the active master; disable the old master's server row (in
///     the replica SG); swap the master and alternate addresses of every SG whose
///     alternate address is this site's master_dns_address.
///  3. Serial floors: ask this site's named and every enabled server for each published
///     zone's serial. A server may hold a serial the database never recorded (the old
///     master published it and died before committing); any zone where a server is
///     ahead of the database, or where this site's named differs from it, has its
///     recorded serial raised to the highest seen and is queued for publishing with a
///     new serial, so that every slave takes the new master's content.
///  4. Write the master named's includes (zones.conf, server-acl.conf; the zone files
///     are the replica's, already in master_dyndns_dir) and rndc.conf.
///  5. Queue MasterSMAllReconfig: dmsd, once started, reconfigures named and every SG
///     (the slaves then transfer from this site).
PromoteReport promote_replica(db::Session& session, const Config& config,
                              drivers::NamedDriver& named, drivers::SlaveDriver& slaves,
                              const Caller& caller);

/// The database side of the pair for show_dms_status.
struct ReplicationStatus {
    bool standby = false;                    ///< this database is a hot standby (read-only)
    db::RecoveryRecord recovery;             ///< when standby
    std::vector<db::StandbyRecord> standbys; ///< when primary: who streams from it
    std::string active_master;               ///< sm_master.master_hostname
    std::string node;                        ///< this site's node_name
};
ReplicationStatus replication_status(db::Session& session, const Config& config);

} // namespace dms::engine
