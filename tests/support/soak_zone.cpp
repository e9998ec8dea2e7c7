// SPDX-License-Identifier: GPL-3.0-or-later
#include "soak_zone.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

namespace dms::test::soak {
namespace {

constexpr std::uint32_t body_ttl = 300;
// dms makes the most common TTL the zone TTL and gives it to the SOA: one TTL for all.
constexpr std::uint32_t apex_ttl = body_ttl;
constexpr std::size_t min_records = 4; // the marker and three more

int pick(std::mt19937_64& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

std::string a_rdata(std::mt19937_64& rng) {
    return fmt::format("10.{}.{}.{}", pick(rng, 0, 255), pick(rng, 0, 255), pick(rng, 1, 254));
}

std::string aaaa_rdata(std::mt19937_64& rng) {
    // RFC 5952 form: the four zero groups compressed, no leading zeros.
    return fmt::format("2001:db8::{:x}:{:x}", pick(rng, 1, 0xffff), pick(rng, 1, 0xffff));
}

std::string txt_rdata(std::mt19937_64& rng) {
    return fmt::format("\"s-{:08x}\"", static_cast<std::uint32_t>(rng()));
}

// MX and CNAME targets outside the zones: in a zone they would need address records
// (dms refuses an MX whose in-zone target has none), which deletions could remove.
std::string mail_host(int n) {
    return fmt::format("mx{}.mail.example.", n);
}

std::string target_host(int n) {
    return fmt::format("h{}.target.example.", n);
}

std::string line(const dns::Record& r) {
    return fmt::format("{} {} {} {}", r.owner, r.ttl, r.type, r.rdata);
}

bool is_marker(const dns::Record& r, const std::string& zone) {
    return r.owner == "ver." + zone;
}

} // namespace

ZoneContent ZoneContent::initial(const std::string& zone, std::mt19937_64& rng) {
    ZoneContent z;
    z.m_zone = zone;
    z.set_marker();
    for (int i = 0; i < 3; ++i) {
        z.m_records.push_back({fmt::format("h{}.{}", i + 1, zone), body_ttl, "A", a_rdata(rng)});
    }
    z.m_records.push_back({"h2." + zone, body_ttl, "AAAA", aaaa_rdata(rng)});
    z.m_records.push_back({"t1." + zone, body_ttl, "TXT", txt_rdata(rng)});
    z.m_records.push_back({zone, body_ttl, "MX", "10 " + mail_host(1)});
    z.m_records.push_back({"c1." + zone, body_ttl, "CNAME", target_host(1)});
    z.m_next_label = 4;
    return z;
}

void ZoneContent::set_marker() {
    const dns::Record marker{"ver." + m_zone, body_ttl, "TXT",
                             fmt::format("\"v{} c{}\"", m_version, m_client)};
    for (auto& r : m_records) {
        if (is_marker(r, m_zone)) {
            r = marker;
            return;
        }
    }
    m_records.insert(m_records.begin(), marker);
}

bool ZoneContent::has(const dns::Record& r) const {
    return std::any_of(m_records.begin(), m_records.end(), [&](const dns::Record& x) {
        return x.owner == r.owner && x.type == r.type && x.rdata == r.rdata;
    });
}

ZoneContent ZoneContent::next(int client, std::mt19937_64& rng) const {
    ZoneContent z = *this;
    ++z.m_version;
    z.m_client = client;
    z.set_marker();
    const int changes = pick(rng, 1, 10) == 1 ? pick(rng, 10, 20) : pick(rng, 1, 5);
    for (int i = 0; i < changes; ++i) {
        switch (pick(rng, 0, 2)) {
        case 0:
            z.change_one(rng);
            break;
        case 1:
            z.add_one(rng);
            break;
        default:
            z.delete_one(rng);
            break;
        }
    }
    return z;
}

void ZoneContent::change_one(std::mt19937_64& rng) {
    auto& r = m_records[static_cast<std::size_t>(pick(rng, 1, static_cast<int>(size()) - 1))];
    if (is_marker(r, m_zone)) {
        return;
    }
    dns::Record n = r;
    if (r.type == "A") {
        n.rdata = a_rdata(rng);
    } else if (r.type == "AAAA") {
        n.rdata = aaaa_rdata(rng);
    } else if (r.type == "TXT") {
        n.rdata = txt_rdata(rng);
    } else if (r.type == "MX") {
        n.rdata = fmt::format("{} {}", pick(rng, 1, 50) * 10, mail_host(pick(rng, 1, 9)));
    } else if (r.type == "CNAME") {
        n.rdata = target_host(pick(rng, 1, 999));
    }
    if (!has(n)) {
        r = n;
    }
}

void ZoneContent::add_one(std::mt19937_64& rng) {
    dns::Record n{"", body_ttl, "", ""};
    // A new name half of the time, else another record at an existing h/t name.
    const bool fresh = pick(rng, 0, 1) == 0;
    const int label = fresh ? m_next_label : pick(rng, 1, m_next_label);
    switch (pick(rng, 0, 4)) {
    case 0:
        n = {fmt::format("h{}.{}", label, m_zone), body_ttl, "A", a_rdata(rng)};
        break;
    case 1:
        n = {fmt::format("h{}.{}", label, m_zone), body_ttl, "AAAA", aaaa_rdata(rng)};
        break;
    case 2:
        n = {fmt::format("t{}.{}", label, m_zone), body_ttl, "TXT", txt_rdata(rng)};
        break;
    case 3:
        n = {m_zone, body_ttl, "MX",
             fmt::format("{} {}", pick(rng, 1, 50) * 10, mail_host(pick(rng, 1, 9)))};
        break;
    default:
        // A CNAME always on a name of its own.
        n = {fmt::format("c{}.{}", m_next_label, m_zone), body_ttl, "CNAME",
             target_host(pick(rng, 1, 999))};
        break;
    }
    if (n.type == "MX" && std::any_of(m_records.begin(), m_records.end(), [&](const auto& r) {
            return r.type == "MX" &&
                   r.rdata.substr(r.rdata.find(' ')) == n.rdata.substr(n.rdata.find(' '));
        })) {
        return; // one preference per exchange
    }
    if (!has(n)) {
        m_records.push_back(n);
        if (fresh || n.type == "CNAME") {
            ++m_next_label;
        }
    }
}

void ZoneContent::delete_one(std::mt19937_64& rng) {
    if (size() <= min_records) {
        return;
    }
    const auto i = static_cast<std::size_t>(pick(rng, 1, static_cast<int>(size()) - 1));
    if (!is_marker(m_records[i], m_zone)) {
        m_records.erase(m_records.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

std::string ZoneContent::text() const {
    std::ostringstream t;
    t << fmt::format("; soak zone {} version {} (client {})\n$TTL {}\n", m_zone, m_version,
                     m_client, apex_ttl)
      << fmt::format("{} IN SOA ns1.someorg.net. soa.someorg.net. 1 7200 900 604800 3600\n", m_zone)
      << fmt::format("{0} IN NS ns1.someorg.net.\n{0} IN NS ns2.someorg.net.\n", m_zone);
    for (const auto& r : m_records) {
        t << fmt::format("{} {} IN {} {}\n", r.owner, r.ttl, r.type, r.rdata);
    }
    return t.str();
}

std::vector<std::string> ZoneContent::expected() const {
    std::vector<std::string> out{
        fmt::format("{} {} SOA ns1.someorg.net. soa.someorg.net. * 7200 900 604800 3600", m_zone,
                    apex_ttl),
        fmt::format("{} {} NS ns1.someorg.net.", m_zone, apex_ttl),
        fmt::format("{} {} NS ns2.someorg.net.", m_zone, apex_ttl)};
    for (const auto& r : m_records) {
        out.push_back(line(r));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> served_form(const std::vector<dns::Record>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) {
        if (r.type != "SOA") {
            out.push_back(line(r));
            continue;
        }
        // mname rname SERIAL refresh retry expire minimum
        std::istringstream in(r.rdata);
        std::vector<std::string> f{std::istream_iterator<std::string>(in), {}};
        if (f.size() == 7) {
            f[2] = "*";
        }
        std::string rdata;
        for (const auto& x : f) {
            rdata += (rdata.empty() ? "" : " ") + x;
        }
        out.push_back(line({r.owner, r.ttl, r.type, rdata}));
    }
    std::sort(out.begin(), out.end());
    // An AXFR holds the SOA twice at most in its text form: keep each record once.
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::uint32_t soa_serial(const std::vector<dns::Record>& records) {
    for (const auto& r : records) {
        if (r.type == "SOA") {
            std::istringstream in(r.rdata);
            std::string mname, rname;
            std::uint32_t serial = 0;
            in >> mname >> rname >> serial;
            return serial;
        }
    }
    return 0;
}

std::vector<std::string> record_diff(const std::vector<std::string>& want,
                                     const std::vector<std::string>& got, std::size_t limit) {
    std::vector<std::string> missing, extra, out;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                        std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                        std::back_inserter(extra));
    for (const auto& m : missing) {
        out.push_back("- " + m);
    }
    for (const auto& e : extra) {
        out.push_back("+ " + e);
    }
    if (out.size() > limit) {
        const auto more = out.size() - limit;
        out.resize(limit);
        out.push_back(fmt::format("  ... and {} more", more));
    }
    return out;
}

} // namespace dms::test::soak
