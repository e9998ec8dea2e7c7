// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/zone_validate.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "dms/core/dns_name.hpp"

namespace dms {
namespace {

/// What one owner name holds.
struct Node {
    bool cname = false;
    bool other = false; // any type besides CNAME (and DNSSEC bookkeeping)
    bool address = false;
    bool ns = false;
    bool dname = false;
    int first_line = 0;
};

std::vector<std::string_view> fields(std::string_view rdata) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < rdata.size()) {
        while (i < rdata.size() && rdata[i] == ' ') {
            ++i;
        }
        const auto start = i;
        while (i < rdata.size() && rdata[i] != ' ') {
            ++i;
        }
        if (i > start) {
            out.push_back(rdata.substr(start, i - start));
        }
    }
    return out;
}

bool dnssec_maintained(std::string_view type) {
    return type == "RRSIG" || type == "NSEC" || type == "NSEC3" || type == "NSEC3PARAM" ||
           type == "DNSKEY";
}

/// The parent of relative label `l` ("a.b" -> "b", "b" -> "@"; "@" has none).
std::string_view parent_label(std::string_view l) {
    const auto dot = l.find('.');
    return dot == std::string_view::npos ? std::string_view("@") : l.substr(dot + 1);
}

/// Rules named applies when it loads a zone that ldns does not check: obsolete
/// types, digest lengths, X25 addresses, the CDS/CDNSKEY that named maintains.
/// Returns "" or the problem.
std::string check_rdata_shape(const Rr& rr) {
    const auto f = fields(rr.rdata);
    auto digest_len =
        [&](std::size_t type_field, std::size_t last,
            std::initializer_list<std::pair<std::string_view, std::size_t>> sizes) -> std::string {
        if (f.size() <= last) {
            return {};
        }
        std::string digest;
        for (std::size_t i = last; i < f.size(); ++i) {
            digest += f[i];
        }
        for (const auto& [type, hex] : sizes) {
            if (f[type_field] == type && digest.size() != hex) {
                return fmt::format("{} digest type {} needs {} hex digits, not {}", rr.type, type,
                                   hex, digest.size());
            }
        }
        return {};
    };
    if (rr.type == "MD" || rr.type == "MF") {
        return fmt::format("{} is obsolete (RFC 973): use MX", rr.type);
    }
    if (rr.type == "DS" || rr.type == "CDS" || rr.type == "DLV") {
        if (rr.type == "CDS" && rr.label == "@" && rr.rdata != "0 0 0 00") {
            return "CDS at the apex is maintained by named's DNSSEC signing (only the delete "
                   "form 0 0 0 00 may be written)";
        }
        return digest_len(2, 3, {{"1", 40}, {"2", 64}, {"3", 64}, {"4", 96}});
    }
    if (rr.type == "CDNSKEY" && rr.label == "@" && rr.rdata != "0 3 0 AA==") {
        return "CDNSKEY at the apex is maintained by named's DNSSEC signing (only the delete "
               "form 0 3 0 AA== may be written)";
    }
    if (rr.type == "SSHFP") {
        return digest_len(1, 2, {{"1", 40}, {"2", 64}});
    }
    if (rr.type == "ZONEMD") {
        return digest_len(2, 3, {{"1", 96}, {"2", 128}});
    }
    if (rr.type == "X25" && !f.empty()) {
        const auto digits = f[0].size() >= 2 ? f[0].size() - 2 : 0; // without the quotes
        if (digits < 4) {
            return "X25 address needs at least 4 digits (RFC 1183)";
        }
    }
    return {};
}

class Validator {
public:
    Validator(const ZoneData& z, const ValidateOptions& o) : m_z(z), m_o(o) {}

    std::vector<Finding> run();

private:
    void error(int line, std::string msg) {
        m_out.push_back({line, Severity::error, std::move(msg)});
    }
    void warning(int line, std::string msg) {
        m_out.push_back({line, Severity::warning, std::move(msg)});
    }
    void index();
    /// The TTL in effect ("1h", "3600" and none under $TTL 1h are the same).
    std::optional<std::uint32_t> ttl_seconds(const Rr& rr) const {
        return parse_ttl(rr.ttl.value_or(m_z.zone_ttl));
    }
    void check_soa();
    void check_record(const Rr& rr);
    void check_target(const Rr& rr, std::string_view target, std::string_view what,
                      bool needs_address);
    bool below(std::string_view label, const std::unordered_set<std::string_view>& owners,
               std::string_view& which) const;

    const ZoneData& m_z;
    const ValidateOptions& m_o;
    std::vector<Finding> m_out;
    const Node* node(std::string_view label) const;

    std::vector<const Rr*> m_order;                         ///< sorted records
    std::vector<std::pair<std::string_view, Node>> m_nodes; ///< sorted by owner
    std::unordered_set<std::string_view> m_dnames;
    std::unordered_set<std::string_view> m_cuts; // delegations (non-apex NS owners)
};

void Validator::index() {
    // Sort views of the records by (owner, type, rdata, line): RRsets, duplicates and
    // what each name holds are then runs of neighbours, without hash maps of a
    // million entries (which cost more than parsing did).
    m_order.reserve(m_z.rr_count());
    for (const auto& g : m_z.groups) {
        for (const auto& rr : g.rrs) {
            m_order.push_back(&rr);
        }
    }
    std::sort(m_order.begin(), m_order.end(), [](const Rr* a, const Rr* b) {
        if (const int c = a->label.compare(b->label); c != 0) {
            return c < 0;
        }
        if (const int c = a->type.compare(b->type); c != 0) {
            return c < 0;
        }
        if (const int c = a->rdata.compare(b->rdata); c != 0) {
            return c < 0;
        }
        return a->line < b->line;
    });
    const Rr* set_first = nullptr; // first record of the current RRset
    std::size_t set_size = 0;
    for (std::size_t i = 0; i < m_order.size(); ++i) {
        const Rr& rr = *m_order[i];
        const Rr* prev = i > 0 ? m_order[i - 1] : nullptr;
        if (prev == nullptr || prev->label != rr.label) {
            m_nodes.emplace_back(rr.label, Node{});
        }
        // Disabled records are not served: they take no part in what a name holds.
        if (!rr.disable) {
            auto& n = m_nodes.back().second;
            if (n.first_line == 0 || rr.line < n.first_line) {
                n.first_line = rr.line;
            }
            if (rr.type == "CNAME") {
                n.cname = true;
            } else {
                n.other = true;
            }
            n.address = n.address || rr.type == "A" || rr.type == "AAAA";
            n.ns = n.ns || rr.type == "NS";
            if (rr.type == "DNAME") {
                n.dname = true;
                m_dnames.insert(rr.label);
            }
            if (rr.type == "NS" && rr.label != "@") {
                m_cuts.insert(rr.label);
            }
        }
        if (prev == nullptr || prev->label != rr.label || prev->type != rr.type) {
            set_first = &rr;
            set_size = 0;
        }
        ++set_size;
        if (set_size > 1) {
            if (rr.type == "CNAME") {
                error(rr.line, fmt::format("more than one CNAME at {} (first at line {})", rr.label,
                                           set_first->line));
            } else if (set_size == m_o.max_rrset_size + 1) {
                error(rr.line, fmt::format("{} {} has more than {} records", rr.label, rr.type,
                                           m_o.max_rrset_size));
            }
            if (ttl_seconds(*set_first) != ttl_seconds(rr) && !set_first->disable && !rr.disable) {
                warning(rr.line, fmt::format("TTL differs within the {} {} RRset (line {})",
                                             rr.label, rr.type, set_first->line));
            }
            if (prev->rdata == rr.rdata) {
                error(rr.line, fmt::format("duplicate record {} {} {} (first at line {})", rr.label,
                                           rr.type, rr.rdata, prev->line));
            }
        }
    }
}

const Node* Validator::node(std::string_view label) const {
    auto it = std::lower_bound(m_nodes.begin(), m_nodes.end(), label,
                               [](const auto& n, std::string_view l) { return n.first < l; });
    return it != m_nodes.end() && it->first == label ? &it->second : nullptr;
}

void Validator::check_soa() {
    const auto& s = m_z.soa;
    if (!m_z.has_soa) {
        error(0, "the zone has no SOA record");
        return;
    }
    if (!is_hostname(s.mname)) {
        error(0, fmt::format("SOA master name {} is not a host name", s.mname));
    }
    for (const auto& [name, value] :
         {std::pair<std::string_view, const std::string&>{"refresh", s.refresh},
          {"retry", s.retry},
          {"expire", s.expire},
          {"minimum", s.minimum}}) {
        const auto v = parse_ttl(value);
        if (!v || *v > max_ttl) {
            error(0, fmt::format("SOA {} '{}' is not a valid time", name, value));
        }
    }
    if (s.ttl && !parse_ttl(*s.ttl)) {
        error(0, fmt::format("SOA TTL '{}' is not a valid time", *s.ttl));
    }
    if (!m_z.zone_ttl.empty()) {
        const auto v = parse_ttl(m_z.zone_ttl);
        if (!v || *v > max_ttl) {
            error(0, fmt::format("zone TTL '{}' is not a valid time", m_z.zone_ttl));
        }
    }
}

bool Validator::below(std::string_view label, const std::unordered_set<std::string_view>& owners,
                      std::string_view& which) const {
    for (auto l = label; l != "@";) {
        l = parent_label(l);
        if (l == "@") {
            break;
        }
        if (owners.count(l) != 0) {
            which = l;
            return true;
        }
    }
    return false;
}

void Validator::check_target(const Rr& rr, std::string_view target, std::string_view what,
                             bool needs_address) {
    if (!is_hostname(target)) {
        error(rr.line, fmt::format("{} {} target {} is not a host name", rr.label, what, target));
        return;
    }
    const auto inside = relative_label(target, m_z.name);
    if (!inside) {
        return;
    }
    const Node* target_node = node(*inside);
    if (target_node != nullptr && target_node->cname) {
        error(rr.line,
              fmt::format("{} {} target {} is a CNAME (RFC 2181 10.3)", rr.label, what, target));
        return;
    }
    std::string_view cut;
    // Names below a delegation live in the child zone, except NS targets: those
    // need glue here.
    const bool in_child = what != "NS" && below(*inside, m_cuts, cut);
    if (needs_address && (target_node == nullptr || !target_node->address) && !in_child) {
        error(rr.line, fmt::format("{} {} target {} has no A or AAAA record in the zone", rr.label,
                                   what, target));
    }
}

void Validator::check_record(const Rr& rr) {
    if (rr.ttl) {
        const auto v = parse_ttl(*rr.ttl);
        if (!v || *v > max_ttl) {
            error(rr.line, fmt::format("bad TTL '{}'", *rr.ttl));
        }
    }
    if (dnssec_maintained(rr.type)) {
        error(rr.line, fmt::format("{} records are maintained by named's DNSSEC signing; "
                                   "remove them",
                                   rr.type));
        return;
    }
    if (const auto problem = check_rdata_shape(rr); !problem.empty()) {
        error(rr.line, problem);
        return;
    }
    if (rr.type == "SOA") {
        error(rr.line, "a second SOA record");
        return;
    }
    if (rr.disable) {
        return; // kept in the database only; named never sees it
    }
    const Node& here = *node(rr.label);
    if (rr.type == "CNAME") {
        if (rr.label == "@") {
            error(rr.line, "CNAME at the zone apex");
        } else if (here.other) {
            error(rr.line, fmt::format("CNAME at {} which has other records (first at line {})",
                                       rr.label, here.first_line));
        }
    }
    std::string_view which;
    if (!m_dnames.empty() && below(rr.label, m_dnames, which)) {
        error(rr.line, fmt::format("{} is below the DNAME at {}", rr.label, which));
    }
    if (!m_cuts.empty() && rr.type != "A" && rr.type != "AAAA" && below(rr.label, m_cuts, which)) {
        warning(rr.line, fmt::format("{} {} is below the delegation at {} and will not be "
                                     "served",
                                     rr.label, rr.type, which));
    }
    if ((rr.type == "A" || rr.type == "AAAA" || rr.type == "MX" || rr.type == "MB" ||
         rr.type == "MG" || rr.type == "WKS" || rr.type == "A6") &&
        !is_hostname(rr.label == "@" ? std::string_view(m_z.name) : std::string_view(rr.label))) {
        error(rr.line,
              fmt::format("owner {} of a {} record is not a host name", rr.label, rr.type));
    }
    if (rr.type != "NS" && rr.type != "MX" && rr.type != "SRV" && rr.type != "PTR") {
        return;
    }
    const auto f = fields(rr.rdata);
    if (rr.type == "NS" && !f.empty()) {
        check_target(rr, f[0], "NS", true);
    } else if (rr.type == "MX" && f.size() == 2) {
        if (f[1] == ".") {
            if (f[0] != "0") {
                error(rr.line, "a null MX (target '.') must have preference 0 (RFC 7505)");
            }
        } else {
            check_target(rr, f[1], "MX", true);
        }
    } else if (rr.type == "SRV" && f.size() == 4) {
        if (f[3] != ".") {
            check_target(rr, f[3], "SRV", true);
        }
    } else if (rr.type == "PTR" && !f.empty() && !is_hostname(f[0])) {
        warning(rr.line, fmt::format("PTR target {} is not a host name", f[0]));
    }
}

std::vector<Finding> Validator::run() {
    if (m_z.rr_count() > m_o.max_zone_size) {
        error(0, fmt::format("the zone has {} records, more than the limit of {}", m_z.rr_count(),
                             m_o.max_zone_size));
    }
    index();
    check_soa();
    for (const Rr* rr : m_order) {
        check_record(*rr);
    }
    const Node* apex = node("@");
    if (m_o.require_apex_ns && (apex == nullptr || !apex->ns)) {
        error(0, "the zone has no NS record at its apex");
    }
    std::stable_sort(m_out.begin(), m_out.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
    return std::move(m_out);
}

} // namespace

std::vector<Finding> validate_zone(const ZoneData& zone, const ValidateOptions& options) {
    Validator v(zone, options);
    return v.run();
}

} // namespace dms
