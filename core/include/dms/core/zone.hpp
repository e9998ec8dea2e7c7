// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The content of one zone instance (ZI): SOA fields, zone TTL and resource records
// in comment groups, as zone_tool shows and edits them and the database stores them.
//
// The SOA is held in the Soa fields only (it is printed at the top of the apex
// group), never as an Rr. Record owners are stored relative to the zone ("@" is the
// apex), rdata in ldns's canonical presentation form (names absolute, lower case).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dms {

/// Incremental update operations (REFERENCE.md 7.7), as stored in update_op.
enum class UpdateOp { add, del, update_rrtype, ptr_update, ptr_update_force };
std::string_view to_string(UpdateOp op);
std::optional<UpdateOp> update_op_from_string(std::string_view name);

struct Rr {
    std::string label;              ///< relative owner, lower case; "@" for the apex
    std::string type;               ///< "MX", "TYPE65534"
    std::optional<std::string> ttl; ///< as written ("1h", "300"); none: the zone TTL
    std::string rdata;              ///< canonical presentation text
    std::string comment;            ///< ";#" comment, "" if none
    bool lock_ptr = false;          ///< ;!LOCKPTR
    bool disable = false;           ///< ;!DISABLE: kept, not served
    bool track_reverse = false;     ///< ;!TRACKREV
    bool force_reverse = false;     ///< ;!FORCEREV (one shot, not stored)
    std::string reference;          ///< ;!REF: on a record
    std::optional<UpdateOp> update_op;
    int line = 0; ///< source line; 0 when not read from text

    /// Records are the same if owner, type and rdata are (TTL and flags aside).
    bool same_record(const Rr& o) const {
        return label == o.label && type == o.type && rdata == o.rdata;
    }
};

inline constexpr std::string_view apex_rr_tag = "APEX_RRS";

/// Octets of one character-string (TXT, SPF, HINFO; RFC 1035 3.3): longer ones are
/// refused, as named refuses them (never split).
inline constexpr std::size_t max_string_octets = 255;
/// RDATA of one record: RDLENGTH is 16 bits (RFC 1035 4.1.3).
inline constexpr std::size_t max_rdata_octets = 65535;
/// One whole record on the wire (owner, type, class, TTL, RDLENGTH, RDATA). A record
/// travels in one DNS message of at most 65,535 octets: the UPDATE dmsd sends (beside
/// the zone, two SOA records and a TSIG) and each message of a zone transfer. named
/// 9.18 loads at most 65,510 octets of RDATA and transfers records of at most 65,483
/// octets; 65,000 leaves room for the rest of an update.
inline constexpr std::size_t max_record_octets = 65000;

struct RrGroup {
    std::string comment; ///< ";|" text (lines joined by '\n'); "" for the default group
    std::string tag;     ///< "APEX_RRS" for the apex group
    std::vector<Rr> rrs;
};

struct Soa {
    std::uint32_t serial = 0;
    std::string mname;   ///< absolute
    std::string rname;   ///< absolute
    std::string refresh; ///< TTL text, e.g. "2h"
    std::string retry;
    std::string expire;
    std::string minimum;
    std::optional<std::string> ttl; ///< the SOA record's own TTL, if written
};

struct ZoneData {
    std::string name;     ///< absolute, lower case: "example.org."
    std::string zone_ttl; ///< $TTL text, e.g. "1h"
    Soa soa;
    bool has_soa = false;
    std::string reference;    ///< ;!REF: on the SOA ("" if none)
    std::string apex_comment; ///< comment of the apex group
    std::vector<RrGroup> groups;

    std::size_t rr_count() const;
};

/// "Apex resource records for example.org."
std::string apex_comment_for(std::string_view zone_name);

/// A reference (customer tag): letters, digits and -_.@, starting with a letter or
/// digit, at most 1024 characters (REFERENCE.md 7.9).
bool valid_reference(std::string_view reference);

} // namespace dms
