// SPDX-License-Identifier: GPL-3.0-or-later
// ldns is C with `true`/`false` macros unless <stdbool.h> comes first.
#include "ldns_rr.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdbool.h> // NOLINT(modernize-deprecated-headers)
#include <string>
#include <vector>

#include <fmt/format.h>
#include <ldns/ldns.h>

#include "dms/core/zone.hpp"

namespace dms::zone_detail {
namespace {

struct RrFree {
    void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct RdfFree {
    void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
struct BufferFree {
    void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};
using RrPtr = std::unique_ptr<ldns_rr, RrFree>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFree>;
using BufferPtr = std::unique_ptr<ldns_buffer, BufferFree>;

bool plain(std::uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '*';
}

/// Append a domain name in presentation form. Labels of letters, digits, '-', '_'
/// and '*' (nearly all) are copied directly: ldns prints names one character at a
/// time through printf, which dominated parse time. Anything else goes to ldns so
/// escaping stays exactly ldns's.
bool fast_dname(std::string& out, const ldns_rdf* rdf) {
    const auto* d = ldns_rdf_data(rdf);
    const std::size_t n = ldns_rdf_size(rdf);
    if (n == 1 && d[0] == 0) {
        out += '.';
        return true;
    }
    const std::size_t start = out.size();
    std::size_t i = 0;
    while (i < n) {
        const std::size_t len = d[i++];
        if (len == 0) {
            return true;
        }
        if (i + len > n) {
            break;
        }
        for (std::size_t k = 0; k < len; ++k) {
            if (!plain(d[i + k])) {
                out.resize(start);
                return false;
            }
        }
        out.append(reinterpret_cast<const char*>(d + i), len);
        out += '.';
        i += len;
    }
    out.resize(start);
    return false;
}

bool append_rdf(std::string& out, ldns_buffer* buf, const ldns_rdf* rdf);

std::string rdf_text(ldns_buffer* buf, const ldns_rdf* rdf) {
    std::string out;
    append_rdf(out, buf, rdf);
    return out;
}

/// Append the presentation form of `rdf`; false (nothing appended) if ldns cannot
/// print it.
bool append_rdf(std::string& out, ldns_buffer* buf, const ldns_rdf* rdf) {
    const auto type = ldns_rdf_get_type(rdf);
    if (type == LDNS_RDF_TYPE_DNAME && fast_dname(out, rdf)) {
        return true;
    }
    // Addresses: inet_ntop directly, as ldns does, without its printf layer.
    if ((type == LDNS_RDF_TYPE_A && ldns_rdf_size(rdf) == 4) ||
        (type == LDNS_RDF_TYPE_AAAA && ldns_rdf_size(rdf) == 16)) {
        char text[INET6_ADDRSTRLEN];
        if (inet_ntop(type == LDNS_RDF_TYPE_A ? AF_INET : AF_INET6, ldns_rdf_data(rdf), text,
                      sizeof text) != nullptr) {
            out += text;
            return true;
        }
    }
    ldns_buffer_clear(buf);
    if (ldns_rdf2buffer_str(buf, rdf) != LDNS_STATUS_OK ||
        ldns_buffer_status(buf) != LDNS_STATUS_OK) {
        return false;
    }
    const std::string_view text(reinterpret_cast<const char*>(ldns_buffer_begin(buf)),
                                ldns_buffer_position(buf));
    if (type != LDNS_RDF_TYPE_DNAME) {
        out += text;
        return true;
    }
    // ldns 1.8 leaves '"' in a label as it is; read back, it would open a quoted string
    // (found by zone_text_fuzz: a NAPTR replacement with a quote in a label).
    for (const char c : text) {
        if (c == '"') {
            out += '\\';
        }
        out += c;
    }
    return true;
}

RdfPtr make_origin(std::string_view origin) {
    if (origin.empty()) {
        return nullptr;
    }
    return RdfPtr(ldns_dname_new_frm_str(std::string(origin).c_str()));
}

std::string type_name_uncached(ldns_rr_type t) {
    char* s = ldns_rr_type2str(t);
    std::string out = s != nullptr ? s : "";
    free(s); // NOLINT(cppcoreguidelines-no-malloc): ldns allocates with malloc
    return out;
}

/// ldns allocates the mnemonic on every call; the common types are cached.
const std::string& type_name(ldns_rr_type t) {
    thread_local std::array<std::string, 512> cache;
    if (static_cast<std::size_t>(t) < cache.size()) {
        auto& s = cache[static_cast<std::size_t>(t)];
        if (s.empty()) {
            s = type_name_uncached(t);
        }
        return s;
    }
    thread_local std::string other;
    other = type_name_uncached(t);
    return other;
}

// ---- reading RR text ------------------------------------------------------------
//
// ldns_rr_new_frm_str (1.8.3) reads at most 65,534 characters of RDATA text and
// silently drops the rest, takes the length of RFC 3597 "\# n" data modulo 65,536,
// drops octets of "\#" data that the type's fields do not use, and reads "0x" as hex.
// read_rr() therefore reads the "\#" form itself, reads longer lists of
// character-strings (TXT, SPF) in pieces, refuses other RDATA text too long for ldns,
// and checks the RDATA and record sizes.

/// RDATA text longer than this is not given to ldns in one piece.
constexpr std::size_t ldns_text_max = 60000;

bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// The next blank-separated token of `s` from `pos`; a backslash escapes the next
/// character and blanks inside double quotes do not separate. "" at the end.
std::string_view next_token(std::string_view s, std::size_t& pos) {
    while (pos < s.size() && blank(s[pos])) {
        ++pos;
    }
    const std::size_t start = pos;
    bool quoted = false;
    while (pos < s.size() && (quoted || !blank(s[pos]))) {
        if (s[pos] == '\\' && pos + 1 < s.size()) {
            pos += 2;
            continue;
        }
        if (s[pos] == '"') {
            quoted = !quoted;
        }
        ++pos;
    }
    return s.substr(start, pos - start);
}

/// Octets of one character-string token ("..." or unquoted, with \X and \DDD
/// escapes); std::nullopt when `quote_free` is set and a double quote appears other
/// than around the whole token (where ldns and a plain tokenizer could split it
/// differently).
std::optional<std::size_t> string_octets(std::string_view t, bool quote_free = false) {
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') {
        t = t.substr(1, t.size() - 2);
    }
    std::size_t n = 0;
    for (std::size_t i = 0; i < t.size(); ++i, ++n) {
        const auto digit = [&](std::size_t k) {
            return k < t.size() && t[k] >= '0' && t[k] <= '9';
        };
        if (t[i] == '\\' && i + 1 < t.size()) {
            i += digit(i + 1) && digit(i + 2) && digit(i + 3) ? 3 : 1;
        } else if (t[i] == '"' && quote_free) {
            return std::nullopt;
        }
    }
    return n;
}

std::size_t rdata_octets(const ldns_rr* rr) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        n += ldns_rdf_size(ldns_rr_rdf(rr, i));
    }
    return n;
}

/// ldns_rr_new_frm_str with our messages; `out` set on success.
std::string ldns_read(const std::string& text, const ldns_rdf* origin, RrPtr& out) {
    ldns_rr* raw = nullptr;
    const ldns_status st = ldns_rr_new_frm_str(&raw, text.c_str(), 0, origin, nullptr);
    out.reset(raw);
    return st == LDNS_STATUS_OK ? std::string() : ldns_get_errorstr_by_id(st);
}

/// Why ldns refused `head` + `rdata` when it can be told better than ldns does:
/// the owner name, or a character-string of more than 255 octets. "" if neither.
std::string diagnose(std::string_view owner, std::string_view type, std::string_view rdata) {
    if (owner != "@") {
        if (owner.size() > LDNS_MAX_DOMAINLEN) {
            return fmt::format("owner name of {} characters: at most {} are read", owner.size(),
                               LDNS_MAX_DOMAINLEN);
        }
        ldns_rdf* raw = nullptr;
        const ldns_status st = ldns_str2rdf_dname(&raw, std::string(owner).c_str());
        const RdfPtr name(raw);
        if (st != LDNS_STATUS_OK) {
            return fmt::format("owner name {}: {}", owner, ldns_get_errorstr_by_id(st));
        }
    }
    const ldns_rr_descriptor* d =
        ldns_rr_descript(ldns_get_rr_type_by_name(std::string(type).c_str()));
    bool strings = false;
    for (std::size_t i = 0; i < ldns_rr_descriptor_maximum(d) && i < 8; ++i) {
        strings = strings || ldns_rr_descriptor_field_type(d, i) == LDNS_RDF_TYPE_STR;
    }
    for (std::size_t pos = 0; strings && pos < rdata.size();) {
        const auto n = string_octets(next_token(rdata, pos));
        if (n && *n > max_string_octets) {
            return fmt::format("a character-string of {} octets, above the limit of {} "
                               "(write it as several strings)",
                               *n, max_string_octets);
        }
    }
    return {};
}

/// RFC 3597 "\# length hex..." (`tokens` from "\#" on) for the record `head`.
std::string read_generic(const std::string& head, const std::vector<std::string_view>& tokens,
                         const ldns_rdf* origin, RrPtr& out) {
    std::size_t length = 0;
    const auto n = tokens.size() > 1 ? tokens[1] : std::string_view();
    if (n.empty() || n.size() > 5 ||
        !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        (length = std::stoul(std::string(n))) > max_rdata_octets) {
        return fmt::format("\\# needs a length of 0 to {} octets, found '{}'", max_rdata_octets, n);
    }
    // The digits may be split by blanks anywhere, even inside an octet (as in BIND).
    std::string hex;
    for (std::size_t i = 2; i < tokens.size(); ++i) {
        for (const char c : tokens[i]) {
            if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
                return fmt::format("\\# {}: '{}' is not hexadecimal", length, tokens[i]);
            }
        }
        hex += tokens[i];
    }
    if (hex.size() != 2 * length) {
        return fmt::format("\\# {} needs {} hex digits, found {}", length, 2 * length, hex.size());
    }
    std::vector<std::uint8_t> wire{static_cast<std::uint8_t>(length >> 8),
                                   static_cast<std::uint8_t>(length & 0xff)};
    const auto nibble = [](char c) {
        return static_cast<std::uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    };
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        wire.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    }
    if (auto e = ldns_read(head + " \\# 0", origin, out); !e.empty()) {
        return e;
    }
    std::size_t pos = 0;
    if (const ldns_status st = ldns_wire2rdf(out.get(), wire.data(), wire.size(), &pos);
        st != LDNS_STATUS_OK) {
        return fmt::format("\\# {}: {}", length, ldns_get_errorstr_by_id(st));
    }
    if (const auto used = rdata_octets(out.get()); used != length) {
        return fmt::format("\\# {}: the fields of the type take {} of the {} octets", length, used,
                           length);
    }
    return {};
}

/// A list of character-strings (TXT, SPF) too long for ldns in one piece, read in
/// pieces of whole strings.
std::string read_strings(const std::string& head, const std::vector<std::string_view>& tokens,
                         const ldns_rdf* origin, RrPtr& out) {
    std::size_t octets = 0;
    std::size_t i = 0;
    while (i < tokens.size()) {
        std::string piece;
        while (i < tokens.size() &&
               (piece.empty() || piece.size() + tokens[i].size() < ldns_text_max)) {
            const auto t = tokens[i];
            const auto n = string_octets(t, true);
            if (!n) {
                return fmt::format("a double quote inside the string {:.40}", t);
            }
            if (*n > max_string_octets) {
                return fmt::format("a character-string of {} octets, above the limit of {} "
                                   "(write it as several strings)",
                                   *n, max_string_octets);
            }
            piece += ' ';
            piece += t;
            ++i;
        }
        RrPtr part;
        if (auto e = ldns_read(head + piece, origin, part); !e.empty()) {
            return e;
        }
        octets += rdata_octets(part.get());
        if (octets > max_rdata_octets) {
            return fmt::format("RDATA of more than {} octets, above the DNS limit",
                               max_rdata_octets);
        }
        if (!out) {
            out = std::move(part);
            continue;
        }
        for (std::size_t k = 0; k < ldns_rr_rd_count(part.get()); ++k) {
            ldns_rr_push_rdf(out.get(), ldns_rdf_clone(ldns_rr_rdf(part.get(), k)));
        }
    }
    return {};
}

std::string check_size(RrPtr& out);

/// Read "owner ttl class type rdata" (every field present) into `out`.
std::string read_rr(const std::string& text, const ldns_rdf* origin, RrPtr& out) {
    std::size_t pos = 0;
    const auto owner = next_token(text, pos);
    next_token(text, pos); // TTL
    next_token(text, pos); // class
    const auto type = next_token(text, pos);
    const std::size_t head_end = pos;
    while (pos < text.size() && blank(text[pos])) {
        ++pos;
    }
    const std::string_view rdata = std::string_view(text).substr(pos);
    const bool generic = rdata.starts_with("\\#") && (rdata.size() == 2 || blank(rdata[2]));
    if (!generic && rdata.size() <= ldns_text_max) { // nearly every record
        if (auto error = ldns_read(text, origin, out); !error.empty()) {
            out.reset();
            const auto better = diagnose(owner, type, rdata);
            return better.empty() ? error : better;
        }
        return check_size(out);
    }
    const std::string head = text.substr(0, head_end);
    std::vector<std::string_view> tokens;
    for (std::size_t p = 0; p < rdata.size();) {
        if (const auto t = next_token(rdata, p); !t.empty()) {
            tokens.push_back(t);
        }
    }
    std::string error;
    if (generic) {
        error = read_generic(head, tokens, origin, out);
    } else {
        // The type decides how the text can be cut.
        if (error = ldns_read(head + " \\# 0", origin, out); error.empty()) {
            const ldns_rr_descriptor* d = ldns_rr_descript(ldns_rr_get_type(out.get()));
            out.reset();
            if (d->_variable == LDNS_RDF_TYPE_STR &&
                ldns_rr_descriptor_field_type(d, 0) == LDNS_RDF_TYPE_STR) {
                error = read_strings(head, tokens, origin, out);
            } else {
                error = fmt::format("RDATA text of {} characters, more than the {} read for this "
                                    "type (the RFC 3597 form \\# has no such limit)",
                                    rdata.size(), ldns_text_max);
            }
        }
    }
    if (!error.empty()) {
        out.reset();
        const auto better = diagnose(owner, type, "");
        return better.empty() ? error : better;
    }
    return check_size(out);
}

/// The RDATA and record size limits of zone.hpp; `rr` is reset beyond them.
std::string check_size(RrPtr& out) {
    const std::size_t rdlen = rdata_octets(out.get());
    if (rdlen > max_rdata_octets) {
        out.reset();
        return fmt::format("RDATA of {} octets, above the DNS limit of {}", rdlen,
                           max_rdata_octets);
    }
    const std::size_t size = ldns_rdf_size(ldns_rr_owner(out.get())) + 10 + rdlen;
    if (size > max_record_octets) {
        out.reset();
        return fmt::format("the record takes {} octets ({} of RDATA), above the limit of {} for "
                           "one record (it must fit in a DNS message of 65535 octets beside the "
                           "rest of an update or a zone transfer)",
                           size, rdlen, max_record_octets);
    }
    return {};
}

/// The conversion behind RrParser::parse and convert_rr. `origin` may be null.
std::string convert(ldns_rr* rr, ldns_buffer* buf, const ldns_rdf* origin, LdnsRr& out) {
    // ldns reads the number of TYPEnnn with atoi and keeps any int in the type (an
    // enum of 16-bit values): read it as a number, without the enum (reading 65536 or
    // more as ldns_rr_type is undefined), and refuse what is not a 16-bit type.
    std::uint32_t number = 0;
    static_assert(sizeof(number) == sizeof(rr->_rr_type));
    std::memcpy(&number, &rr->_rr_type, sizeof(number));
    if (number > 65535) {
        return fmt::format("type number {} out of range 0-65535",
                           static_cast<std::int32_t>(number));
    }
    // ldns takes a mnemonic it does not know for type 0 rather than failing.
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if (type == 0) {
        return "unknown RR type";
    }
    // OPT, TKEY, TSIG and the query types (RFC 6895: 128-255) live only in messages.
    if (type == LDNS_RR_TYPE_OPT || (type >= 128 && type <= 255)) {
        return "a meta type, not allowed in zone data";
    }
    if (type == LDNS_RR_TYPE_SINK) {
        return "not supported: ldns keeps only the first octet of SINK rdata";
    }
    ldns_rdf* owner = ldns_rr_owner(rr);
    // ldns appends the origin to a relative name without checking the length.
    if (ldns_rdf_size(owner) > LDNS_MAX_DOMAINLEN) {
        return fmt::format("the owner name is {} octets, above the limit of {}",
                           ldns_rdf_size(owner), LDNS_MAX_DOMAINLEN);
    }
    ldns_dname2canonical(owner);
    out.owner.clear();
    if (!append_rdf(out.owner, buf, owner)) {
        return "ldns cannot print the owner name";
    }
    out.ttl = ldns_rr_ttl(rr);
    out.type = type_name(type);
    out.class_in = ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN;
    out.rdata.clear();
    const std::size_t n = ldns_rr_rd_count(rr);
    if (n == 0) {
        // Empty rdata must be written "\# 0" to parse again. ldns also lets it
        // through for types that need data (TXT \# 0), which BIND refuses; NULL may
        // be empty (RFC 1035 3.3.10), whatever ldns's table says.
        const ldns_rr_descriptor* d = ldns_rr_descript(type);
        if (d != nullptr && ldns_rr_descriptor_minimum(d) > 0 && type != LDNS_RR_TYPE_NULL) {
            return "empty rdata";
        }
        out.rdata = "\\# 0";
        return {};
    }
    for (std::size_t i = 0; i < n; ++i) {
        ldns_rdf* f = ldns_rr_rdf(rr, i);
        if (ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME) {
            if (ldns_rdf_size(f) > LDNS_MAX_DOMAINLEN) {
                return fmt::format("a domain name of {} octets in the RDATA, above the limit of {}",
                                   ldns_rdf_size(f), LDNS_MAX_DOMAINLEN);
            }
            ldns_dname2canonical(f);
        }
        if (i != 0) {
            out.rdata += ' ';
        }
        if (type == LDNS_RR_TYPE_NSAP_PTR && ldns_rdf_get_type(f) == LDNS_RDF_TYPE_STR) {
            // RFC 1348 makes it a domain name; ldns reads a string, prints it quoted,
            // and BIND refuses that. Keep it a name, completed with the origin.
            const auto* data = ldns_rdf_data(f);
            const auto origin_text = origin != nullptr ? rdf_text(buf, origin) : "";
            std::string error;
            out.rdata +=
                canonical_name(std::string_view(reinterpret_cast<const char*>(data) + 1, data[0]),
                               origin_text, error);
            if (!error.empty()) {
                return "NSAP-PTR target: " + error;
            }
            continue;
        }
        if (!append_rdf(out.rdata, buf, f)) {
            return fmt::format("ldns cannot print field {} of the RDATA", i + 1);
        }
        // Some printers (APL items, WKS and CSYNC type lists) end with a blank.
        while (out.rdata.ends_with(' ')) {
            out.rdata.pop_back();
        }
    }
    return {};
}

} // namespace

struct RrParser::Impl {
    RdfPtr origin;
    BufferPtr buf{ldns_buffer_new(512)};
};

RrParser::RrParser() : m_impl(new Impl) {}
RrParser::~RrParser() {
    delete m_impl;
}

std::string RrParser::set_origin(std::string_view origin) {
    ldns_rdf* raw = nullptr;
    const ldns_status st = ldns_str2rdf_dname(&raw, std::string(origin).c_str());
    if (st != LDNS_STATUS_OK) {
        return ldns_get_errorstr_by_id(st);
    }
    m_impl->origin.reset(raw);
    return {};
}

std::string RrParser::parse(const std::string& text, LdnsRr& out) {
    RrPtr rr;
    if (auto e = read_rr(text, m_impl->origin.get(), rr); !e.empty()) {
        return e;
    }
    return convert(rr.get(), m_impl->buf.get(), m_impl->origin.get(), out);
}

ldns_struct_rr* new_rr(const std::string& text, std::string& error) {
    RrPtr rr;
    error = read_rr(text, nullptr, rr);
    return rr.release();
}

std::string convert_rr(ldns_struct_rr* rr, std::string_view origin, LdnsRr& out) {
    thread_local const BufferPtr buf(ldns_buffer_new(512));
    RdfPtr org;
    if (!origin.empty()) {
        ldns_rdf* raw = nullptr;
        if (ldns_str2rdf_dname(&raw, std::string(origin).c_str()) != LDNS_STATUS_OK) {
            return "bad origin " + std::string(origin);
        }
        org.reset(raw);
    }
    return convert(rr, buf.get(), org.get(), out);
}

std::string canonical_name(std::string_view name, std::string_view origin, std::string& error) {
    error.clear();
    if (name.empty()) {
        error = "empty name";
        return {};
    }
    ldns_rdf* raw = nullptr;
    const ldns_status st = ldns_str2rdf_dname(&raw, std::string(name).c_str());
    const RdfPtr rdf(raw);
    if (st != LDNS_STATUS_OK) {
        error = ldns_get_errorstr_by_id(st);
        return {};
    }
    if (!ldns_dname_str_absolute(std::string(name).c_str())) {
        const RdfPtr org = make_origin(origin);
        if (!org || ldns_dname_cat(rdf.get(), org.get()) != LDNS_STATUS_OK) {
            error = "name too long";
            return {};
        }
    }
    ldns_dname2canonical(rdf.get());
    const BufferPtr buf(ldns_buffer_new(256));
    return rdf_text(buf.get(), rdf.get());
}

bool known_type(std::string_view type) {
    return ldns_get_rr_type_by_name(std::string(type).c_str()) != 0;
}

} // namespace dms::zone_detail
