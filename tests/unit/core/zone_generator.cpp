// SPDX-License-Identifier: GPL-3.0-or-later
// The zone generator: planning (which records, on which owners, so that the zone is
// valid) and writing (how each record is spelled in the three texts).
#include "zone_generator.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>

#include <fmt/format.h>

namespace dms::test {
namespace {

enum Stream : unsigned { to_input = 1, to_reference = 2, to_expanded = 4, to_all = 7 };

/// TTL values with the spellings all three parsers accept for them.
struct TtlChoice {
    std::uint32_t seconds;
    std::vector<std::string> spellings;
};

const std::vector<TtlChoice>& ttl_choices() {
    static const std::vector<TtlChoice> choices = {
        {300, {"300", "5m", "5M"}},       {3600, {"3600", "1h", "1H", "60m"}},
        {86400, {"86400", "1d", "24h"}},  {9000, {"9000", "2h30m"}},
        {604800, {"604800", "1w", "7d"}}, {0, {"0"}},
        {2147483647, {"2147483647"}},
    };
    return choices;
}

/// Types whose names in rdata ldns-read-zone -c lower-cases (RFC 4034 6.2 and
/// RFC 6672). Elsewhere ldns keeps the case and we fold it, so names stay lower case.
bool ldns_folds(std::string_view type) {
    static const std::set<std::string_view> folds = {"NS",  "CNAME", "SOA", "MB",  "MG",    "MR",
                                                     "PTR", "MINFO", "MX",  "RP",  "AFSDB", "RT",
                                                     "PX",  "NAPTR", "KX",  "SRV", "DNAME"};
    return folds.count(type) != 0;
}

} // namespace

/// Blank-separated tokens; a quoted string or a backslash escape stays in its token.
std::vector<std::string> split_tokens(std::string_view line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\\' && i + 1 < line.size()) {
            cur += c;
            cur += line[++i];
        } else if (c == '"') {
            quoted = !quoted;
            cur += c;
        } else if (!quoted && (c == ' ' || c == '\t')) {
            if (!cur.empty()) {
                out.push_back(std::move(cur));
                cur.clear();
            }
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) {
        out.push_back(std::move(cur));
    }
    return out;
}

/// Lower-case letters outside quoted strings.
std::string fold_case(std::string_view s) {
    std::string out(s);
    bool quoted = false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '\\') {
            ++i;
        } else if (out[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && out[i] >= 'A' && out[i] <= 'Z') {
            out[i] = static_cast<char>(out[i] - 'A' + 'a');
        }
    }
    return out;
}

std::string ZoneGenerator::hex(std::size_t bytes) {
    std::string s;
    for (std::size_t i = 0; i < bytes; ++i) {
        s += fmt::format("{:02x}", num(0, 255));
    }
    return s;
}

std::string ZoneGenerator::base64(std::size_t bytes) {
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<int> b(bytes);
    for (auto& x : b) {
        x = num(0, 255);
    }
    std::string s;
    for (std::size_t i = 0; i < bytes; i += 3) {
        const int n =
            (b[i] << 16) | ((i + 1 < bytes ? b[i + 1] : 0) << 8) | (i + 2 < bytes ? b[i + 2] : 0);
        s += alphabet[static_cast<std::size_t>((n >> 18) & 63)];
        s += alphabet[static_cast<std::size_t>((n >> 12) & 63)];
        s += i + 1 < bytes ? alphabet[static_cast<std::size_t>((n >> 6) & 63)] : '=';
        s += i + 2 < bytes ? alphabet[static_cast<std::size_t>(n & 63)] : '=';
    }
    return s;
}

std::string ZoneGenerator::mixed_case(std::string s) {
    for (auto& c : s) {
        if (c >= 'a' && c <= 'z' && chance(0.3)) {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return s;
}

std::string ZoneGenerator::host() {
    return one_of(m_hosts);
}

std::string ZoneGenerator::addressed_host() {
    return one_of(m_addressed);
}

std::string ZoneGenerator::external(std::string_view prefix) {
    static const std::vector<std::string> domains = {"example.net.", "example.com.",
                                                     "dms-test.example."};
    return fmt::format("{}{}.{}", prefix, ++m_counter, one_of(domains));
}

std::string ZoneGenerator::target() {
    return chance(0.5) ? addressed_host() : external("t");
}

void ZoneGenerator::add(std::vector<Planned>& batch, std::string owner, std::string type,
                        std::vector<Field> rdata, bool may_disable) {
    // Random rdata may repeat (a target picked twice): a duplicate is an error.
    std::string key = owner + " " + type;
    for (const auto& f : rdata) {
        key += " " + fold_case(f.text);
    }
    if (!m_records.insert(key).second) {
        return;
    }
    const bool fold = ldns_folds(type);
    // One TTL per RRset (BIND would make them equal, in an order-dependent way).
    const auto rrset = owner + " " + (type == "TYPE1" ? "A" : type);
    if (m_rrset_ttl.count(rrset) == 0) {
        m_rrset_ttl[rrset] = chance(0.6) ? m_default_ttl : one_of(ttl_choices()).seconds;
    }
    Planned p{std::move(owner), std::move(type), std::move(rdata), fold, false};
    p.disable = may_disable && chance(0.06);
    m_out.disabled += p.disable ? 1 : 0;
    batch.push_back(std::move(p));
    ++m_planned;
}

void ZoneGenerator::plan_apex() {
    // Apex NS: in-zone servers get their address in a batch of their own.
    const int ns_count = num(2, 3);
    for (int i = 1; i <= ns_count; ++i) {
        std::string t = external("ns");
        if (chance(0.6)) {
            t = sub(fmt::format("ns{}", i));
            m_batches.push_back({});
            add(m_batches.back(), t, "A", {{fmt::format("192.0.2.{}", i)}});
            if (chance(0.5)) {
                add(m_batches.back(), t, "AAAA", {{fmt::format("2001:db8::53:{}", i)}});
            }
        }
        add(m_apex, m_zone, "NS", {{t, true}});
    }
    add(m_apex, m_zone, "MX", {{std::to_string(num(0, 50))}, {target(), true}});
    add(m_apex, m_zone, "TXT", {{"\"v=spf1 mx -all\""}}, true);
    add(m_apex, m_zone, "CAA", {{"0"}, {"issue"}, {"\"ca.example.net\""}}, true);
    add(m_apex, m_zone, "ZONEMD",
        {{std::to_string(num(1, 100000))}, {"1"}, {"1"}, {hex(48), false, true}});
    if (chance(0.5)) {
        add(m_apex, m_zone, "ZONEMD",
            {{std::to_string(num(1, 100000))}, {"1"}, {"2"}, {hex(64), false, true}});
    }
    if (chance(0.5)) {
        // Only the "delete" forms: BIND checks other apex CDS/CDNSKEY against DNSKEYs,
        // which named's signing maintains (see KnownDisagreements).
        add(m_apex, m_zone, "CDS", {{"0"}, {"0"}, {"0"}, {"00"}});
        add(m_apex, m_zone, "CDNSKEY", {{"0"}, {"3"}, {"0"}, {"AA=="}});
    }
}

void ZoneGenerator::plan_delegations() {
    for (int i = num(1, 3); i > 0; --i) {
        const auto cut = sub(fmt::format("sub{}", ++m_counter));
        std::vector<Planned> b;
        for (int k = 1; k <= 2; ++k) {
            if (chance(0.5)) {
                const auto glue = fmt::format("ns{}.{}", k, cut); // A glue only below the cut
                add(b, cut, "NS", {{glue, true}});
                m_batches.push_back({});
                add(m_batches.back(), glue, "A", {{fmt::format("198.51.100.{}", num(1, 254))}});
            } else {
                add(b, cut, "NS", {{external("ns"), true}});
            }
        }
        // Digest lengths as the digest type demands: BIND checks them.
        static const std::array<std::pair<int, std::size_t>, 3> digests{
            {{1, 20}, {2, 32}, {4, 48}}};
        for (int d = num(0, 2); d > 0; --d) {
            const auto& [dt, len] = digests[pick(digests.size())];
            add(b, cut, "DS",
                {{std::to_string(num(1, 65535))},
                 {std::to_string(one_of(std::vector<int>{8, 13, 15}))},
                 {std::to_string(dt)},
                 {hex(len), false, true}});
        }
        m_batches.push_back(std::move(b));
    }
}

void ZoneGenerator::plan_aliases_and_dnames() {
    for (int i = num(3, 8); i > 0; --i) {
        const auto alias = sub(fmt::format("alias{}", ++m_counter));
        m_batches.push_back({});
        add(m_batches.back(), alias, "CNAME", {{chance(0.5) ? host() : external("c"), true}}, true);
    }
    for (int i = num(1, 2); i > 0; --i) {
        const auto owner = sub(fmt::format("dn{}", ++m_counter));
        m_batches.push_back({});
        add(m_batches.back(), owner, "DNAME", {{external("moved"), true}}, true);
        if (chance(0.5)) {
            add(m_batches.back(), owner, "TXT", {{"\"a DNAME owner may hold data\""}});
        }
    }
}

void ZoneGenerator::plan_record(const std::string& type) {
    std::string owner = host();
    if (type == "TYPE") {
        // RFC 3597: a private type, an empty one, and known types by number.
        const int form = num(0, 2);
        m_batches.push_back({});
        if (form == 0) {
            const auto len = static_cast<std::size_t>(num(0, 12));
            std::vector<Field> f = {{"\\#"}, {std::to_string(len)}};
            if (len != 0) {
                f.push_back({hex(len), false, true});
            }
            add(m_batches.back(), owner, fmt::format("TYPE{}", num(65280, 65534)), std::move(f),
                true);
        } else if (form == 1) {
            add(m_batches.back(), owner, "TYPE1", {{"\\#"}, {"4"}, {fmt::format("0b{}", hex(3))}});
        } else {
            const auto text = fmt::format("t{:04}", ++m_counter % 10000);
            std::string h;
            for (const char c : text) {
                h += fmt::format("{:02x}", c);
            }
            add(m_batches.back(), owner, "TXT", {{"\\#"}, {"6"}, {"05"}, {h}});
        }
        return;
    }
    // Owners BIND's check-names wants to be host names (KnownDisagreements: we check
    // only A, AAAA and MX).
    static const std::set<std::string> host_owner_types = {"A",   "AAAA", "MX", "A6",
                                                           "WKS", "MB",   "MG"};
    const bool host_owner = host_owner_types.count(type) != 0;
    if (!host_owner && chance(0.1)) {
        owner = sub(fmt::format("white\\032space{}", ++m_counter)); // an escaped owner
    }
    // Apex CDS/CDNSKEY must match DNSKEYs; services are not below a wildcard.
    while ((owner == m_zone && (type == "CDS" || type == "CDNSKEY")) ||
           ((type == "SRV" || type == "TLSA" || type == "SMIMEA") && owner.starts_with("*"))) {
        owner = host();
    }
    auto rdata = rdata_for(type, owner);
    const bool may_disable = type != "A" && type != "AAAA";
    m_batches.push_back({});
    add(m_batches.back(), owner, type, std::move(rdata), may_disable);
    // Sometimes more of the same owner: owners left out when written.
    for (int i = num(0, 2); i > 0 && type != "SRV" && type != "TLSA" && type != "SMIMEA"; --i) {
        static const std::vector<std::string> extra = {"TXT", "HINFO", "LOC", "SSHFP", "AAAA"};
        const auto& t = one_of(extra);
        auto same_owner = owner;
        if (t == "AAAA" && owner.find('\\') != std::string::npos) {
            continue;
        }
        add(m_batches.back(), owner, t, rdata_for(t, same_owner), t != "AAAA");
    }
}

// ---- writing ----------------------------------------------------------------

void ZoneGenerator::out(unsigned streams, std::string_view text) {
    if ((streams & to_input) != 0) {
        m_out.input += text;
    }
    if ((streams & to_reference) != 0) {
        m_out.reference += text;
    }
    if ((streams & to_expanded) != 0) {
        m_out.expanded += text;
    }
}

std::string ZoneGenerator::render(const Field& f, bool fold) {
    if (!f.name) {
        return f.text;
    }
    std::string t = f.text;
    if (t != "." && t != m_origin && t.ends_with("." + m_origin) && chance(0.5)) {
        t.resize(t.size() - m_origin.size() - 1);
    }
    return fold ? mixed_case(t) : t;
}

std::string ZoneGenerator::render_owner(const std::string& owner) {
    std::string t = owner;
    if (owner == m_origin && chance(0.7)) {
        t = "@";
    } else if (owner.ends_with("." + m_origin) && chance(0.8)) {
        t.resize(t.size() - m_origin.size() - 1);
    }
    return mixed_case(t);
}

std::string ZoneGenerator::ttl_class(const Planned& rr, bool ldns_order) {
    // Decided once per record; the two orders differ only in where "IN" goes.
    const auto ttl = m_rrset_ttl.at(rr.owner + " " + (rr.type == "TYPE1" ? "A" : rr.type));
    std::string t;
    if (ttl != m_default_ttl || chance(0.4)) {
        for (const auto& c : ttl_choices()) {
            if (c.seconds == ttl) {
                t = one_of(c.spellings);
            }
        }
        if (t.empty()) {
            t = std::to_string(ttl);
        }
    }
    const int klass = num(0, 2); // 0: none, 1: before the TTL, 2: after it
    if (t.empty()) {
        return klass == 0 ? "" : "IN ";
    }
    if (klass == 0) {
        return t + " ";
    }
    if (ldns_order) {
        return t + " IN ";
    }
    return klass == 1 ? "IN " + t + " " : t + " IN ";
}

void ZoneGenerator::write_record(const Planned& rr, bool omit_owner) {
    std::vector<std::string> tokens;
    for (const auto& f : rr.rdata) {
        std::string t = render(f, rr.fold);
        if (f.chunk && t.size() > 16 && chance(0.3)) {
            // Whitespace inside hex and base64 fields is allowed; split on 4 characters.
            const std::size_t at =
                4 * static_cast<std::size_t>(num(1, static_cast<int>(t.size() / 4) - 1));
            tokens.push_back(t.substr(0, at));
            t = t.substr(at);
        }
        tokens.push_back(std::move(t));
    }
    const auto owner = omit_owner ? std::string() : render_owner(rr.owner);
    const bool multi = !rr.disable && tokens.size() > 1 && chance(0.15);
    std::string body;
    if (multi) {
        body = "( " + tokens[0];
        for (std::size_t i = 1; i < tokens.size(); ++i) {
            body += chance(0.4) ? (chance(0.5) ? " ; part\n\t\t" : "\n\t\t") : " ";
            body += tokens[i];
        }
        body += chance(0.5) ? " )" : "\n\t)";
    } else {
        for (const auto& t : tokens) {
            body += (body.empty() ? "" : " ") + t;
        }
    }
    const auto tail = chance(0.1) ? std::string(" ; trailing comment\n") : std::string("\n");
    // Class/TTL order: the input may put the class first; ldns cannot read that.
    const auto state = m_rng;
    const auto in_prefix = ttl_class(rr, false);
    m_rng = state;
    const auto ldns_prefix = ttl_class(rr, true);
    const auto type = chance(0.2) ? fold_case(rr.type) : rr.type;
    auto line = [&](const std::string& prefix) {
        return fmt::format("{}\t{}{} {}{}", owner, prefix, type, body, tail);
    };
    if (chance(0.15)) {
        out(to_input, fmt::format(";# note {}\n", ++m_counter));
    }
    std::string flags;
    if (rr.disable) {
        flags += " DISABLE";
    }
    if (chance(0.05)) {
        flags += " TRACKREV";
    }
    if (chance(0.05)) {
        flags += fmt::format(" REF:ref-{}", ++m_counter);
    }
    if (!flags.empty()) {
        out(to_input, ";!" + flags.substr(1) + "\n");
    }
    out(to_input, line(in_prefix));
    if (rr.disable) {
        out(to_reference | to_expanded, "; " + line(ldns_prefix));
    } else {
        out(to_reference, line(in_prefix));
        out(to_expanded, line(ldns_prefix));
    }
}

void ZoneGenerator::write_batch(const std::vector<Planned>& batch) {
    const Planned* prev = nullptr;
    for (const auto& rr : batch) {
        // Leave the owner out only after a live record of the same owner: to BIND and
        // ldns a disabled record is a comment, so its owner is no "previous owner".
        const bool omit = prev != nullptr && prev->owner == rr.owner && !prev->disable &&
                          !rr.disable && chance(0.6);
        write_record(rr, omit);
        prev = &rr;
    }
}

void ZoneGenerator::write_soa() {
    auto t = [&](std::initializer_list<const char*> v) {
        return std::string(*(v.begin() + static_cast<long>(pick(v.size()))));
    };
    const Planned soa{m_zone, "SOA", {}, true, false};
    m_rrset_ttl[m_zone + " SOA"] = chance(0.7) ? m_default_ttl : 86400;
    const auto state = m_rng;
    const auto in_prefix = ttl_class(soa, false);
    m_rng = state;
    const auto ldns_prefix = ttl_class(soa, true);
    const auto mname = render({sub("ns1"), true}, true);
    const auto rname = render({sub("hostmaster"), true}, true);
    const auto serial =
        std::to_string(std::uniform_int_distribution<std::uint32_t>(1, 4294967295U)(m_rng));
    const auto times = fmt::format("{} {} {} {}", t({"2h", "7200", "1H"}), t({"900", "15m"}),
                                   t({"7d", "1w", "604800"}), t({"1h", "3600", "300"}));
    std::string body = fmt::format("{} {} {} {}", mname, rname, serial, times);
    if (chance(0.6)) {
        body = fmt::format("( {} ; master\n\t\t{} ; contact\n\t\t{} ; serial\n\t\t{}\n\t\t)", mname,
                           rname, serial, times);
    }
    if (chance(0.3)) {
        out(to_input, fmt::format(";!REF:customer-{}\n", ++m_counter));
    }
    const auto owner = render_owner(m_zone);
    out(to_input | to_reference, fmt::format("{}\t{}SOA {}\n", owner, in_prefix, body));
    out(to_expanded, fmt::format("{}\t{}SOA {}\n", owner, ldns_prefix, body));
}

void ZoneGenerator::maybe_switch_origin() {
    if (!chance(0.1)) {
        return;
    }
    m_origin = chance(0.5) ? m_zone : one_of(m_departments);
    out(to_all, fmt::format("$ORIGIN {}\n", mixed_case(m_origin)));
}

void ZoneGenerator::write_generate() {
    const int k = ++m_generates;
    const int start = num(1, 20); // ${-1} must not go below 0
    const int stop = start + num(0, 9);
    const int step = chance(0.3) ? num(2, 3) : 1;
    const auto range =
        step == 1 ? fmt::format("{}-{}", start, stop) : fmt::format("{}-{}/{}", start, stop, step);
    // lhs, type, rhs: one token each (BIND reads the rhs as one token).
    struct Form {
        std::string lhs;
        std::string type;
        std::string rhs;
    };
    const std::vector<Form> forms = {
        {fmt::format("gen{}-$", k), "A", fmt::format("10.250.{}.$", k)},
        {fmt::format("gen{}-${{0,3,d}}", k), "AAAA", fmt::format("2001:db8:{}::${{0,0,x}}", k)},
        {fmt::format("${{10,0,x}}.gen{}", k), "CNAME", "target-${-1,2,d}.Example.NET."},
        {fmt::format("${{0,{},n}}.rev{}", 2 * num(1, 3) - 1, k), "PTR", "host$.example.net."},
        {fmt::format("${{0,0,N}}.revu{}", k), "PTR", "HOST-${0,4,X}.example.net."},
        {fmt::format("txt{}-${{0,3,o}}", k), "TXT", "cost\\$$-${1}"},
        {fmt::format("dn{}-$", k), "DNAME", "d$.example.com."},
    };
    const auto& f = one_of(forms);
    std::string ttl;
    if (chance(0.5)) {
        ttl = one_of(one_of(ttl_choices()).spellings);
    }
    const int klass = num(0, 2);
    auto prefix = [&](bool ldns_order) {
        if (ttl.empty()) {
            return std::string(klass == 0 ? "" : "IN ");
        }
        if (klass == 0) {
            return ttl + " ";
        }
        return (klass == 1 && !ldns_order) ? "IN " + ttl + " " : ttl + " IN ";
    };
    out(to_input | to_reference,
        fmt::format("$GENERATE {} {} {}{} {}\n", range, f.lhs, prefix(false), f.type, f.rhs));
    // The records it makes come from BIND itself (see expand_generates).
    out(to_expanded, fmt::format("{} {} {} $GENERATE {} {} {}{} {}\n", generate_marker, m_origin,
                                 m_default_ttl, range, f.lhs, prefix(false), f.type, f.rhs));
    m_planned += static_cast<std::size_t>((stop - start) / step + 1);
}

GeneratedZone ZoneGenerator::make() {
    static const std::vector<std::string> zone_forms = {"z{}.example.org.", "dms-{}.example.",
                                                        "{}.test.example.net."};
    m_zone = fmt::format(fmt::runtime(one_of(zone_forms)), m_rng() % 100000);
    m_origin = m_zone;
    m_out.name = m_zone;
    const TtlChoice ttl = ttl_choices()[pick(3)]; // 300, 3600 or 86400
    m_default_ttl = ttl.seconds;
    for (int j = 0; j < 3; ++j) {
        m_departments.push_back(sub(fmt::format("d{}", j)));
    }
    for (int i = 0; i < static_cast<int>(m_size / 8) + 4; ++i) {
        m_hosts.push_back(chance(0.3) ? fmt::format("h{}.{}", i, one_of(m_departments))
                                      : sub(fmt::format("h{}", i)));
    }
    m_hosts.push_back(sub("*.wild"));
    m_hosts.push_back(m_zone);
    // Addresses first: MX, SRV, NS and CNAME targets in the zone point at these.
    for (int i = 0; i < 6; ++i) {
        auto h = m_hosts[pick(m_hosts.size() - 2)]; // not the wildcard, not the apex
        m_batches.push_back({});
        add(m_batches.back(), h, "A", rdata_for("A", h));
        m_addressed.push_back(h);
    }
    plan_apex();
    plan_delegations();
    plan_aliases_and_dnames();
    // NS, CNAME, DNAME, DS and ZONEMD were placed above, where they may be.
    std::vector<std::string> leaf;
    std::copy_if(types().begin(), types().end(), std::back_inserter(leaf), [](const auto& t) {
        return t != "NS" && t != "CNAME" && t != "DNAME" && t != "DS" && t != "ZONEMD";
    });
    for (const auto& type : leaf) {
        plan_record(type);
    }
    static const std::vector<std::string> common = {"A",    "AAAA",  "MX",    "TXT", "TXT",
                                                    "SRV",  "CAA",   "TLSA",  "PTR", "HTTPS",
                                                    "SVCB", "SSHFP", "NAPTR", "LOC", "TYPE"};
    while (m_planned < m_size * 9 / 10) { // $GENERATE adds the rest
        plan_record(chance(0.7) ? one_of(common) : one_of(leaf));
    }
    std::shuffle(m_batches.begin(), m_batches.end(), m_rng);

    // The text: header, apex group, then groups of batches with $ORIGIN changes and
    // $GENERATE lines between them.
    out(to_all, fmt::format("$TTL {}\n", one_of(ttl.spellings)));
    if (chance(0.7)) {
        out(to_all, fmt::format("$ORIGIN {}\n", mixed_case(m_zone)));
    } else {
        out(to_reference | to_expanded, fmt::format("$ORIGIN {}\n", m_zone));
    }
    out(to_all, "; generated zone: a plain comment\n");
    if (chance(0.5)) {
        out(to_input, fmt::format(";| Apex resource records for {}\n", m_zone));
    }
    write_soa();
    write_batch(m_apex);
    std::size_t batch = 0;
    int group = 0;
    while (batch < m_batches.size()) {
        out(to_all, "\n");
        if (chance(0.8)) {
            out(to_input, fmt::format(";| Group {}\n", ++group));
            if (chance(0.2)) {
                out(to_input, ";| and its second comment line\n");
            }
        }
        for (int i = num(3, 12); i > 0 && batch < m_batches.size(); --i) {
            maybe_switch_origin();
            if (chance(0.04) && m_generates < 4) {
                write_generate();
            }
            write_batch(m_batches[batch++]);
        }
    }
    return m_out;
}

} // namespace dms::test
