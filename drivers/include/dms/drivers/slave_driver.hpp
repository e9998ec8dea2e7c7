// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Slave and replica name servers as dmsd sees them (REFERENCE.md 3.3, 8.3). BIND9 is
// the one implementation (drivers/bind9); NSD would implement the same.
//
// Contract for implementations:
//  - write_sg_config writes a server group's generated config (temp name + rename) and
//    throws dms::Error when it cannot; it is idempotent.
//  - Steps against a server (send_config, reload_config, probe, status, zone_serial,
//    notify, retransfer) never throw for the server's failures: they answer with a SlaveStep saying
//    retry (unreachable, timed out, refused, a tool failed) or broken (a malformed answer or a
//    broken rcode), with the tool's or resolver's own error text in `detail`.
//  - Secrets (the rsync passwords, rndc keys) never appear in `detail` or in argv: rsync
//    reads the password from its --password-file, rndc its keys from rndc.conf.
//  - External programs run as argv vectors with timeouts (core/process.hpp).
//  - One instance may be used by several threads at once.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"

namespace dms::drivers {

/// One slave server: where it listens, and its name in rndc.conf.
struct SlaveTarget {
    std::string name;
    std::string address;
    int dns_port = 53;
    int rndc_port = 953;
    int rsync_port = 873;
    std::string sg_name;
};

struct SlaveStep {
    enum class Kind { ok, retry, broken } kind = Kind::ok;
    std::string detail;
    double rtt_ms = 0; ///< probe: the round trip
};

/// What `rndc status` says about a server.
struct SlaveStatus {
    std::optional<std::int64_t> zones; ///< "number of zones:"
    /// Zones it is refreshing now: "xfers running:" + "xfers deferred:" + "soa queries
    /// in progress:" (a zone waiting for its SOA query counts too).
    std::int64_t refreshing = 0;
};

/// What a server answers for one of its zones (zone_serial).
struct ZoneAnswer {
    enum class Kind {
        serial,     ///< an authoritative answer with the zone's SOA: `serial`
        not_loaded, ///< configured but not (yet) loaded: SERVFAIL, or not authoritative
        not_found,  ///< not a zone of the server: REFUSED, NOTAUTH, NXDOMAIN
        no_answer   ///< no answer: timed out, unreachable, malformed
    } kind = Kind::no_answer;
    std::uint32_t serial = 0;
    std::string detail; ///< "SERVFAIL", "REFUSED", the resolver's error text
};

/// The zones a server group's servers must serve, with the master they transfer from.
struct SgConfig {
    std::string sg_name;
    bool replica = false;       ///< the replica SG: its own stanza template
    std::string master_address; ///< where the slaves transfer from
    int master_port = 53;
    /// Further masters, "address port N", listed after the master: the DR replica's named
    /// (it holds every zone and becomes the master on promotion), so that the slaves take
    /// NOTIFY and transfers from it at once after a fail-over, before they are
    /// reconfigured (docs/disaster-recovery.md).
    std::vector<std::string> alt_masters;
    std::vector<std::string> zones; ///< absolute names ("example.org.")
};

class SlaveDriver {
public:
    virtual ~SlaveDriver() = default;

    /// <dms_sg_dir>/<sg>/bind9.conf (bind9-replica.conf for the replica SG) from the
    /// server templates, one stanza per zone.
    /// @throws dms::Error(ErrorCode::named_conf_write_error) naming the file
    virtual void write_sg_config(const SgConfig& config) = 0;
    /// rsync <dms_sg_dir>/<sg>/ to the server's dnsconf module. Files land whole: rsync
    /// writes temp files and renames them, all at the end (--delay-updates). Nothing
    /// is deleted there: the module also holds the files of rsync_server_admin_config.
    virtual SlaveStep send_config(const SlaveTarget& server) = 0;
    /// The same for any local directory (zone_tool rsync_server_admin_config).
    virtual SlaveStep send_directory(const SlaveTarget& server, const std::string& dir) = 0;
    /// For a server of the replica SG: rsync dnssec_key_dir (the master's DNSSEC keys and
    /// their .state files) to its module dnssec as user dnssec, password from
    /// rsync_dnssec_password_file, modes kept (.private files stay 0600). Nothing is
    /// deleted there (a key the master purged stays, unused). Ok without running rsync
    /// when the directory holds no key (`K*` file): no signed zone, nothing to keep.
    virtual SlaveStep send_keys(const SlaveTarget& server) = 0;
    /// rndc -s <name> reconfig (rndc.conf names the server's address, port and key).
    virtual SlaveStep reload_config(const SlaveTarget& server) = 0;
    /// SOA query for "localhost." over TCP: any well-formed NOERROR, NXDOMAIN, REFUSED
    /// or NOTAUTH answer is alive; SERVFAIL, FORMERR, NOTIMP, BADVERS, YXDOMAIN,
    /// YXRRSET, NXRRSET and malformed answers are broken; no answer is retry.
    virtual SlaveStep probe(const SlaveTarget& server) = 0;
    /// rndc -s <name> status: the zone count and what it is refreshing.
    virtual SlaveStep status(const SlaveTarget& server, SlaveStatus& status) = 0;
    /// The serial the server serves for `zone` (UDP), or why it serves none.
    virtual ZoneAnswer zone_serial(const SlaveTarget& server, std::string_view zone) = 0;
    /// A DNS NOTIFY for `zone` to the server, sent from `source` (the master's address
    /// the server transfers from; it accepts NOTIFY only from there). Retry when it is
    /// not answered or not accepted (the rcode in `detail`).
    virtual SlaveStep notify(const SlaveTarget& server, std::string_view zone,
                             const std::string& source) = 0;
    /// rndc -s <name> retransfer <zone>: a full transfer from the master now.
    virtual SlaveStep retransfer(const SlaveTarget& server, std::string_view zone) = 0;
};

} // namespace dms::drivers
