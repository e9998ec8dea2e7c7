// SPDX-License-Identifier: GPL-3.0-or-later
// ldns is C with `true`/`false` macros unless <stdbool.h> comes first.
#include "ldns_rr.hpp"

#include <arpa/inet.h>
#include <array>
#include <cstdint>
#include <memory>
#include <stdbool.h> // NOLINT(modernize-deprecated-headers)

#include <ldns/ldns.h>

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

void append_rdf(std::string& out, ldns_buffer* buf, const ldns_rdf* rdf);

std::string rdf_text(ldns_buffer* buf, const ldns_rdf* rdf) {
    std::string out;
    append_rdf(out, buf, rdf);
    return out;
}

void append_rdf(std::string& out, ldns_buffer* buf, const ldns_rdf* rdf) {
    const auto type = ldns_rdf_get_type(rdf);
    if (type == LDNS_RDF_TYPE_DNAME && fast_dname(out, rdf)) {
        return;
    }
    // Addresses: inet_ntop directly, as ldns does, without its printf layer.
    if ((type == LDNS_RDF_TYPE_A && ldns_rdf_size(rdf) == 4) ||
        (type == LDNS_RDF_TYPE_AAAA && ldns_rdf_size(rdf) == 16)) {
        char text[INET6_ADDRSTRLEN];
        if (inet_ntop(type == LDNS_RDF_TYPE_A ? AF_INET : AF_INET6, ldns_rdf_data(rdf), text,
                      sizeof text) != nullptr) {
            out += text;
            return;
        }
    }
    ldns_buffer_clear(buf);
    if (ldns_rdf2buffer_str(buf, rdf) != LDNS_STATUS_OK) {
        return;
    }
    out.append(reinterpret_cast<const char*>(ldns_buffer_begin(buf)), ldns_buffer_position(buf));
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

/// The conversion behind RrParser::parse and convert_rr. `origin` may be null.
std::string convert(ldns_rr* rr, ldns_buffer* buf, const ldns_rdf* origin, LdnsRr& out) {
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
    ldns_dname2canonical(owner);
    out.owner = rdf_text(buf, owner);
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
        append_rdf(out.rdata, buf, f);
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
    ldns_rr* raw = nullptr;
    const ldns_status st =
        ldns_rr_new_frm_str(&raw, text.c_str(), 0, m_impl->origin.get(), nullptr);
    const RrPtr rr(raw);
    if (st != LDNS_STATUS_OK) {
        return ldns_get_errorstr_by_id(st);
    }
    return convert(rr.get(), m_impl->buf.get(), m_impl->origin.get(), out);
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
