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

} // namespace dms::engine
