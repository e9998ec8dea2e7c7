// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A small DNS client over real sockets (ldns inside, in core/src/dns only): SOA
// queries, AXFR and RFC 2136 UPDATE signed with TSIG. dmsd uses it to talk to the
// master named and to probe slaves; tests use it to see what named serves.
//
// Contract:
//  - Nothing here throws for what the network or the server does: timeouts, refused
//    connections, error rcodes and malformed answers are values (Status + text).
//    Only bad arguments (an invalid zone name, a record ldns cannot parse) throw
//    dms::Error(ErrorCode::usage) naming the argument, and std::bad_alloc.
//  - Records use the zone model's text form (dms/core/zone.hpp): owner absolute and
//    lower case, type mnemonic or TYPEnnn, rdata in the same canonical presentation
//    form the zone text parser produces, so records from named and from a ZI compare
//    as strings.
//  - Every call opens its own connection; functions are thread safe.
//  - TSIG secrets never appear in errors or logs.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dms::dns {

using Millis = std::chrono::milliseconds;

/// Where a DNS server listens.
struct Server {
    std::string address = "127.0.0.1"; ///< IPv4 or IPv6 literal
    int port = 53;
};

/// A TSIG key as BIND writes it: key "name" { algorithm hmac-sha256; secret "..."; };
struct TsigKey {
    std::string name; ///< key name, absolute or not ("update-ddns")
    std::string
        algorithm;      ///< hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512
    std::string secret; ///< base64
};

/// Parse the first key (or the key called `name`) of BIND key-file text.
/// @throws dms::Error(ErrorCode::config) "SOURCE:LINE: problem" on bad text, an unknown
///         algorithm, bad base64, or no (such) key; the secret is never quoted
TsigKey parse_tsig_key(std::string_view text, std::string_view source,
                       std::optional<std::string_view> name = std::nullopt);
/// Read and parse a key file. @throws dms::Error(ErrorCode::config) as parse_tsig_key,
/// or if the file cannot be read (message names the file)
TsigKey read_tsig_key_file(const std::string& path,
                           std::optional<std::string_view> name = std::nullopt);
/// A new key with a random secret (from the OpenSSL CSPRNG) of the size BIND's
/// tsig-keygen uses for the algorithm, as key-file text.
/// @throws dms::Error(ErrorCode::usage) for an unknown algorithm
std::string generate_tsig_key_text(std::string_view name, std::string_view algorithm);
/// The algorithms generate_tsig_key_text() and parse_tsig_key() accept.
const std::vector<std::string>& tsig_algorithms();

/// How an exchange ended.
enum class Status {
    answered,    ///< a well-formed reply arrived (look at rcode)
    timeout,     ///< no (complete) reply within the timeout
    unreachable, ///< connection refused, no route, network down
    malformed,   ///< a reply arrived that is not a valid DNS message for the query,
                 ///< or its TSIG did not verify
};
std::string_view to_string(Status s);

/// "NOERROR", "SERVFAIL", ... (RFC 1035/2136/6895 names); "RCODE<n>" for others.
std::string rcode_name(int rcode);

struct Record {
    std::string owner; ///< absolute, lower case
    std::uint32_t ttl = 0;
    std::string type;  ///< "MX", "TYPE65534"
    std::string rdata; ///< canonical presentation form

    bool operator==(const Record&) const = default;
    /// "owner ttl IN type rdata"
    std::string text() const;
};

struct SoaReply {
    Status status = Status::timeout;
    int rcode = -1;                      ///< set when answered
    bool authoritative = false;          ///< AA bit
    std::optional<std::uint32_t> serial; ///< from an SOA in the answer section
    bool answer_empty = true;            ///< no records in the answer section
    std::string error;                   ///< why, when not answered (or not NOERROR)
    Millis rtt{0};                       ///< time from connect to reply
};

/// Ask `server` for the SOA of `zone` (over TCP when `tcp`).
SoaReply query_soa(const Server& server, std::string_view zone, Millis timeout, bool tcp = true);

struct AxfrReply {
    Status status = Status::timeout;
    int rcode = -1;
    /// Every record of the zone, the SOA once (first), in the order received.
    std::vector<Record> records;
    std::string error;
};

/// Transfer `zone` from `server` over TCP, signing the request when `key` is given.
/// Records of types in `skip` (e.g. RRSIG, NSEC) are dropped while reading.
/// A transfer that ends early or whose last message is not the closing SOA is
/// malformed; a refused transfer is answered with its rcode (NOTAUTH, REFUSED).
/// With a key, every message of the transfer must carry a TSIG that verifies.
/// @throws dms::Error(ErrorCode::usage) for a bad zone name or server address, or a
///         key ldns cannot sign with (hmac-sha224 and hmac-sha384 are not supported)
AxfrReply axfr(const Server& server, std::string_view zone, const std::optional<TsigKey>& key,
               Millis timeout, const std::vector<std::string>& skip = {});

/// One RFC 2136 UPDATE message for `zone` (class IN).
struct Update {
    std::string zone;
    /// Prerequisites: each record must exist exactly (RFC 2136 2.4.2, "RR exists
    /// (value dependent)"); the SOA of the current serial guards against changes made
    /// behind our back.
    std::vector<Record> require;
    /// Records to add before the deletions: apex NS records that replace the current
    /// ones (named ignores deleting the last apex NS, RFC 2136 3.4.2.4).
    std::vector<Record> add_first;
    /// Records to delete, each exactly (class NONE, RFC 2136 2.5.4).
    std::vector<Record> remove;
    /// Records to add (class IN), after the deletions. An SOA here replaces the zone's SOA.
    /// The update section holds add_first, remove, add, in that order.
    std::vector<Record> add;
};

struct UpdateReply {
    Status status = Status::timeout;
    int rcode = -1;
    std::string error;
};

/// Send `update` to `server` over TCP, signed with `key`; verifies the reply's TSIG.
/// @throws dms::Error(ErrorCode::usage) if a record cannot be encoded (names which), or
///         for a bad zone name, server address or key (as axfr())
UpdateReply send_update(const Server& server, const Update& update, const TsigKey& key,
                        Millis timeout);

/// Most octets of a DNS message over TCP (RFC 1035 4.2.2): an UPDATE, its TSIG included,
/// must fit.
inline constexpr std::size_t max_message_size = 65535;

/// The octets `record` takes in a message, uncompressed (owner, type, class, TTL, RDATA
/// length and RDATA): an upper bound of its share of an UPDATE.
/// @throws dms::Error(ErrorCode::usage) if the record cannot be encoded
std::size_t record_wire_size(const Record& record);

} // namespace dms::dns
