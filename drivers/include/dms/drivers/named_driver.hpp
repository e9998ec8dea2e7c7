// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The master name server as dmsd and zone_tool see it. BIND9 is the one implementation
// (drivers/bind9); NSD or Knot would implement the same interface.
//
// Contract for implementations:
//  - Answers about zones are values: a zone the server does not serve is
//    Kind::not_served, a server that cannot answer now is Kind::unknown / failed /
//    retry with the reason in `detail`. Nothing of that throws.
//  - File and configuration operations (write_zone_file, remove_zone_files,
//    write_master_config, reconfig, rndc_zone) throw dms::Error when they fail, with the
//    tool's own error text (rndc's stderr, the system error and path); callers retry
//    such failures later. They are idempotent: repeating one after a crash is safe.
//  - Files are written to a temp name and renamed; no reader ever sees half a file.
//  - Secrets (TSIG, rndc keys) never appear in `detail` or in exception messages.
//  - One instance may be used by several threads at once.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/core/dns_client.hpp"
#include "dms/core/file_util.hpp"

namespace dms::drivers {

/// What the master says about a zone's SOA.
struct ZoneSoa {
    enum class Kind {
        served,     ///< answers authoritatively; `serial` set
        not_served, ///< refuses or is not authoritative: the zone is not configured
        not_loaded, ///< SERVFAIL: configured, but still loading or failed to load (see
                    ///< NamedDriver::zone_load_problem)
        unknown     ///< no usable answer now (timeout, unreachable)
    } kind = Kind::unknown;
    std::optional<std::uint32_t> serial;
    std::string detail;
};

/// A zone's content as the master serves it.
struct Transfer {
    /// not_loaded: configured but SERVFAIL (loading, or it failed to load).
    enum class Kind { ok, not_served, not_loaded, failed } kind = Kind::failed;
    /// The SOA first, then every other record, without the types named maintains itself
    /// (dnssec_filter).
    std::vector<dns::Record> records;
    std::string detail;
};

/// One of a signed zone's keys as named's key manager records it (BIND's K*.state file).
struct KeyState {
    std::uint16_t key_tag = 0;
    int algorithm = 0;
    std::string role;      ///< "CSK", "KSK", "ZSK"
    std::string goal;      ///< GoalState: omnipresent (being introduced or in use), hidden
    std::string dnskey;    ///< DNSKEYState: hidden, rumoured, omnipresent, unretentive
    std::string ds;        ///< DSState: the same states, for the DS at the parent
    std::string published; ///< Published (YYYYMMDDHHMMSS), "" if not recorded
    std::string retired;   ///< Retired: when it rolls ("" if never: unlimited lifetime)
};

/// A zone's DNSSEC as the master serves it: the apex DNSKEY, CDS, CDNSKEY and
/// NSEC3PARAM records (presentation rdata) and how many RRSIG records the zone holds.
struct DnssecRecords {
    enum class Kind { ok, failed } kind = Kind::failed;
    std::vector<std::string> dnskey, cds, cdnskey, nsec3param;
    std::size_t rrsigs = 0;
    std::string detail;
};

/// How the master answered a dynamic update (REFERENCE.md 7.4 step 6).
struct UpdateResult {
    enum class Kind {
        ok,    ///< NOERROR
        retry, ///< SERVFAIL, NOTAUTH, NXRRSET (the zone changed since it was read),
               ///< timeout, unreachable
        reset, ///< NXDOMAIN: the zone is not on the server
        fatal  ///< FORMERR, REFUSED, NOTZONE, YXDOMAIN, YXRRSET, NOTIMP, BADVERS, ...
    } kind = Kind::retry;
    std::string detail;
};

/// The master's named.conf includes (REFERENCE.md 8.2): one stanza per zone named must
/// serve, one ACL per server group.
struct MasterConfig {
    struct Zone {
        std::string name;                     ///< absolute ("example.org.")
        bool auto_dnssec = false;             ///< signed by named under a dms dnssec-policy
        bool nsec3 = false;                   ///< that policy's NSEC3 variant
        std::vector<std::string> acls;        ///< ACL names allowed to transfer it
        std::vector<std::string> also_notify; ///< "address port N" entries
    };
    struct Acl {
        std::string name;                   ///< "<sg>-servers"
        std::vector<std::string> addresses; ///< server addresses; empty: none
    };
    std::vector<Zone> zones;
    std::vector<Acl> acls;
};

class NamedDriver {
public:
    virtual ~NamedDriver() = default;

    virtual ZoneSoa zone_soa(std::string_view zone) = 0;
    virtual Transfer transfer(std::string_view zone) = 0;
    virtual UpdateResult update(const dns::Update& update) = 0;

    /// Write the master file of `zone` (absolute name), removing any journal; flushed to
    /// disk before returning, or with `deferred` by deferred->sync().
    virtual void write_zone_file(std::string_view zone, std::string_view text,
                                 DeferredSync* deferred = nullptr) = 0;
    /// Remove the master file and journal of `zone`; missing files are fine.
    virtual void remove_zone_files(std::string_view zone) = 0;
    /// Render and write the includes.
    virtual void write_master_config(const MasterConfig& config) = 0;
    /// Make the server load its configuration again (rndc reconfig).
    virtual void reconfig() = 0;
    /// rndc <command> <zone> (loadkeys, sign).
    virtual void rndc_zone(std::string_view command, std::string_view zone) = 0;
    /// True if the server's control channel answers (rndc status).
    virtual bool control_channel_answers() = 0;
    /// Where the zone file of `zone` lives.
    virtual std::string zone_file_path(std::string_view zone) const = 0;
    /// The zone's DNSSEC records as served (a transfer without dnssec_filter).
    virtual DnssecRecords dnssec_records(std::string_view zone) = 0;
    /// The zone's keys from the key directory's state files (none if unsigned).
    virtual std::vector<KeyState> key_states(std::string_view zone) = 0;
    /// Why the server cannot load the zone file of `zone`, as its own checker says with
    /// the checks it applies to a master zone (for BIND9: named-checkzone -k fail, e.g.
    /// "NS 'ns1.example.org' has no address records (A or AAAA)"); std::nullopt if the
    /// file passes, or if the checker cannot be run (then logged). A problem here is for
    /// good: the zone will not load until its content changes.
    virtual std::optional<std::string> zone_load_problem(std::string_view zone) = 0;
};

} // namespace dms::drivers
