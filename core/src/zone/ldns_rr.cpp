// SPDX-License-Identifier: GPL-3.0-or-later
// ldns is C with `true`/`false` macros unless <stdbool.h> comes first.
#include "ldns_rr.hpp"

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

std::string rdf_text(ldns_buffer* buf, const ldns_rdf* rdf) {
    ldns_buffer_clear(buf);
    if (ldns_rdf2buffer_str(buf, rdf) != LDNS_STATUS_OK) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(ldns_buffer_begin(buf)),
                       ldns_buffer_position(buf));
}

RdfPtr make_origin(std::string_view origin) {
    if (origin.empty()) {
        return nullptr;
    }
    return RdfPtr(ldns_dname_new_frm_str(std::string(origin).c_str()));
}

std::string type_name(ldns_rr_type t) {
    char* s = ldns_rr_type2str(t);
    std::string out = s != nullptr ? s : "";
    free(s); // NOLINT(cppcoreguidelines-no-malloc): ldns allocates with malloc
    return out;
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
    ldns_buffer* buf = m_impl->buf.get();
    ldns_rdf* owner = ldns_rr_owner(rr.get());
    ldns_dname2canonical(owner);
    out.owner = rdf_text(buf, owner);
    out.ttl = ldns_rr_ttl(rr.get());
    out.type = type_name(ldns_rr_get_type(rr.get()));
    out.class_in = ldns_rr_get_class(rr.get()) == LDNS_RR_CLASS_IN;
    out.rdata.clear();
    const std::size_t n = ldns_rr_rd_count(rr.get());
    for (std::size_t i = 0; i < n; ++i) {
        ldns_rdf* f = ldns_rr_rdf(rr.get(), i);
        if (ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME) {
            ldns_dname2canonical(f);
        }
        if (i != 0) {
            out.rdata += ' ';
        }
        out.rdata += rdf_text(buf, f);
    }
    return {};
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
