// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// show_dnssec (docs/dnssec.md): a signed zone's keys and DS records as the master named
// serves them, with the key manager's states. The DS records are computed here
// (core/dnssec.hpp) from the served DNSKEYs, SHA-256 and SHA-384, for every key with the
// SEP bit (KSK or CSK): what the operator hands to the parent.
//
// Contract: the zone must exist (ZoneNotFound otherwise); an unsigned zone gives a
// status with `signed_zone` false and no keys. A master that does not answer the
// transfer is dms::Error(ErrorCode::io) naming the zone and named's or the resolver's
// words.

#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/core/dnssec.hpp"
#include "dms/db/session.hpp"
#include "dms/drivers/named_driver.hpp"

namespace dms::engine {

struct DnssecKey {
    std::uint16_t key_tag = 0;
    int algorithm = 0;
    std::uint16_t flags = 0;
    std::string role;           ///< CSK, KSK, ZSK (from the state file; by flags if none)
    drivers::KeyState state;    ///< as named's key manager records it ("" if unknown)
    std::vector<dnssec::Ds> ds; ///< SHA-256 and SHA-384, for SEP keys
    bool cds_published = false; ///< a CDS for this key is at the apex
};

struct DnssecStatus {
    std::string zone;
    bool auto_dnssec = false; ///< the zone's flag in dms
    bool nsec3 = false;
    bool signed_zone = false; ///< named serves DNSKEY records for it
    std::vector<DnssecKey> keys;
    std::vector<std::string> nsec3param;
    std::size_t cds = 0, cdnskey = 0, rrsigs = 0;
};

DnssecStatus show_dnssec(db::Session& session, drivers::NamedDriver& named, std::string_view zone);

/// One zone's DS file written by recreate_ds, or why it was not.
struct DsFile {
    std::string zone;
    std::string path;               ///< "" when not written
    std::vector<std::string> lines; ///< "zone. IN DS TAG ALG TYPE HEX"
    std::string skipped;            ///< why not written ("not signed", ...)
};

/// recreate_ds (REFERENCE.md 9, `dns-recreateds`, without its bug): for the zone, or
/// every live zone matching a pattern with * and ? wildcards, the DS records (SHA-256
/// and SHA-384) of its SEP keys as served, written to dnssec_ds_dir/<zone> (one file
/// per zone, temp name + rename; never a file named after the pattern). Unsigned zones
/// are skipped and reported.
/// @throws dms::Error ZoneNotFound for a zone name (no wildcard) that does not exist;
///         io when the master cannot be read or a file cannot be written
std::vector<DsFile> recreate_ds(db::Session& session, const Config& config,
                                drivers::NamedDriver& named, std::string_view pattern);

} // namespace dms::engine
