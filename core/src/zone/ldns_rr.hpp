// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one ldns wrapper layer of dms_core: turns one RR (in presentation format, or
// as ldns holds it after reading a DNS message) into canonical text. Private to
// core/src; ldns itself is included only by the .cpp files.

#include <cstdint>
#include <string>
#include <string_view>

struct ldns_struct_rr; // ldns_rr, from <ldns/rr.h>

namespace dms::zone_detail {

/// One RR as ldns understood it.
struct LdnsRr {
    std::string owner; ///< absolute, lower case, e.g. "www.example.org."
    std::uint32_t ttl = 0;
    std::string type;  ///< mnemonic ("MX") or "TYPE65534"
    std::string rdata; ///< canonical presentation, names absolute and lower case
    bool class_in = true;
};

/// Parses RR text with ldns. One per thread (it keeps buffers between calls).
class RrParser {
public:
    RrParser();
    ~RrParser();
    RrParser(const RrParser&) = delete;
    RrParser& operator=(const RrParser&) = delete;

    /// Relative names are completed with `origin` (absolute) from now on.
    /// Returns "" or an error message if `origin` is not a valid name.
    std::string set_origin(std::string_view origin);

    /// Parse `text` ("owner ttl class type rdata", every field present). Returns
    /// "" and fills `out`, or an error message.
    std::string parse(const std::string& text, LdnsRr& out);

private:
    struct Impl;
    Impl* m_impl;
};

/// Read one RR from text ("owner ttl class type rdata", every field present, names
/// absolute) with the checks of RrParser::parse: RDATA text of any length, RFC 3597
/// data checked, RDATA and record sizes within the limits of zone.hpp.
/// @returns the record, to be freed with ldns_rr_free, or nullptr and `error` set
ldns_struct_rr* new_rr(const std::string& text, std::string& error);

/// Convert one RR that ldns holds into canonical text, exactly as RrParser::parse
/// does (the same checks, the same form). Lower-cases the owner and the domain name
/// fields of `rr` in place.
/// @param rr the record; not freed
/// @param origin absolute name that completes a relative NSAP-PTR target ("" none)
/// @param out filled on success
/// @returns "" on success, or why the record is not acceptable zone data
std::string convert_rr(ldns_struct_rr* rr, std::string_view origin, LdnsRr& out);

/// Canonical form of a domain name ("Foo.Example.ORG" -> "foo.example.org.",
/// relative names completed with `origin`); "" if `name` is not a valid name
/// (message in `error`).
std::string canonical_name(std::string_view name, std::string_view origin, std::string& error);

/// True if ldns knows `type` as a mnemonic or TYPEnnn.
bool known_type(std::string_view type);

} // namespace dms::zone_detail
