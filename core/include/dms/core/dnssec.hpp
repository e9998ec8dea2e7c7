// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// DNSSEC arithmetic dms does itself (docs/dnssec.md): a DNSKEY's key tag (RFC 4034
// Appendix B) and the DS record of a DNSKEY (RFC 4034 5.1.4 with the digests of RFC 4509
// (SHA-256) and RFC 6605 (SHA-384)), from the DNSKEY's presentation form, so that
// show_dnssec and recreate_ds need neither dnssec-dsfromkey nor the key files' private
// halves.
//
// Contract: pure functions; bad input (not a DNSKEY rdata, bad base64, a name that is
// not a plain domain name, an unknown digest type) throws dms::Error(ErrorCode::usage)
// naming the field and the problem, never a partial result.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dms::dnssec {

struct Dnskey {
    std::uint16_t flags = 0;    ///< 256 ZSK, 257 KSK (SEP bit), +128 revoked
    std::uint8_t protocol = 3;  ///< always 3
    std::uint8_t algorithm = 0; ///< 8 RSASHA256, 13 ECDSAP256SHA256, 14, 15 ED25519, ...
    std::vector<std::uint8_t> public_key;

    bool sep() const { return (flags & 1U) != 0; }
    bool revoked() const { return (flags & 0x80U) != 0; }
};

enum class DigestType : std::uint8_t { sha1 = 1, sha256 = 2, sha384 = 4 };

struct Ds {
    std::uint16_t key_tag = 0;
    std::uint8_t algorithm = 0;
    DigestType digest_type = DigestType::sha256;
    std::string digest; ///< upper-case hex, as BIND prints it
    /// "KEYTAG ALGORITHM DIGESTTYPE DIGEST"
    std::string rdata() const;
};

/// A DNSKEY from its rdata in presentation form: "257 3 13 BASE64..." (blanks and
/// parentheses inside the key are allowed, as in a zone file).
Dnskey parse_dnskey(std::string_view rdata);
/// The DNSKEY's wire-format rdata (flags, protocol, algorithm, public key).
std::vector<std::uint8_t> dnskey_wire(const Dnskey& key);
/// RFC 4034 Appendix B (algorithm 1, RSAMD5, has its own rule, also followed).
std::uint16_t key_tag(const Dnskey& key);
/// The DS of `key` at `owner` (the zone's apex, absolute or not).
Ds make_ds(std::string_view owner, const Dnskey& key, DigestType type);
/// The name in canonical wire form (RFC 4034 6.2: lower case).
std::vector<std::uint8_t> canonical_name_wire(std::string_view name);

} // namespace dms::dnssec
