// SPDX-License-Identifier: GPL-3.0-or-later
// The zone generator's rdata: for each type, random values that ldns, BIND and our
// validator all accept (BIND checks digest lengths, X25 lengths, SVCB mandatory keys).
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "zone_generator.hpp"

namespace dms::test {

const std::vector<std::string>& ZoneGenerator::types() {
    static const std::vector<std::string> all = {
        "A",          "AAAA",    "NS",    "CNAME",    "DNAME",    "MX",     "TXT",    "SPF",
        "PTR",        "SRV",     "NAPTR", "CAA",      "TLSA",     "SMIMEA", "SSHFP",  "DS",
        "CDS",        "CDNSKEY", "HINFO", "RP",       "LOC",      "URI",    "SVCB",   "HTTPS",
        "OPENPGPKEY", "CERT",    "KX",    "IPSECKEY", "AFSDB",    "NSAP",   "ZONEMD", "EUI48",
        "EUI64",      "APL",     "DHCID", "CSYNC",    "NID",      "L32",    "L64",    "LP",
        "HIP",        "DLV",     "RT",    "X25",      "ISDN",     "MB",     "MG",     "MR",
        "MINFO",      "WKS",     "PX",    "GPOS",     "NSAP-PTR", "NULL",   "EID",    "NIMLOC",
        "ATMA",       "TALINK",  "KEY",   "A6",       "TYPE"};
    return all;
}

std::vector<Field> ZoneGenerator::rdata_for(const std::string& type, std::string& owner) {
    const auto n = std::to_string(++m_counter);
    const auto lower_name = [&](std::string_view prefix) { return Field{external(prefix), true}; };
    auto any = [&](std::initializer_list<const char*> v) {
        return std::string(*(v.begin() + static_cast<long>(pick(v.size()))));
    };
    if (type == "A") {
        return {{fmt::format("10.{}.{}.{}", m_counter / 65536 % 256, m_counter / 256 % 256,
                             m_counter % 256)}};
    }
    if (type == "AAAA") {
        return {{chance(0.3) ? fmt::format("2001:DB8:0:0:0:0:{:X}:1", m_counter)
                             : fmt::format("2001:db8::{:x}", m_counter)}};
    }
    if (type == "MX") {
        return {{std::to_string(num(0, 65535))}, {target(), true}};
    }
    if (type == "TXT") {
        static const std::vector<std::string> texts = {"\"semi;colon and (parens)\"",
                                                       "\"quote\\\"inside\"",
                                                       "\"back\\\\slash\"",
                                                       "\"\\065BC\"",
                                                       "\"\"",
                                                       "\"caf\\195\\169\"",
                                                       "unquoted",
                                                       "\"tab\\009tab\"",
                                                       "\"  spaces  \""};
        std::vector<Field> f;
        f.push_back({fmt::format("\"txt {}\"", n)});
        for (int i = num(0, 2); i > 0; --i) {
            f.push_back({one_of(texts)});
        }
        return f;
    }
    if (type == "SPF") {
        return {{fmt::format("\"v=spf1 ip4:10.0.{}.0/24 -all\"", m_counter % 256)}};
    }
    if (type == "PTR") {
        return {chance(0.3) ? Field{host(), true} : lower_name("ptr")};
    }
    if (type == "SRV") {
        owner = fmt::format("_{}._{}.{}", any({"sip", "xmpp", "ldap", "imaps"}),
                            any({"tcp", "udp"}), owner);
        return {{std::to_string(num(0, 100))},
                {std::to_string(num(0, 100))},
                {std::to_string(num(1, 65535))},
                {chance(0.1) ? std::string(".") : target(), true}};
    }
    if (type == "NAPTR") {
        if (chance(0.5)) {
            return {{n},
                    {"10"},
                    {"\"U\""},
                    {"\"E2U+sip\""},
                    {fmt::format("\"!^.*$!sip:user{}@example.net!\"", n)},
                    {".", true}};
        }
        return {{n},
                {"20"},
                {any({"\"S\"", "\"A\"", "\"\""})},
                {"\"SIP+D2U\""},
                {"\"\""},
                lower_name("_sip._udp.naptr")};
    }
    if (type == "CAA") {
        return {{any({"0", "128"})},
                {any({"issue", "issuewild", "iodef"})},
                {fmt::format("\"ca{}.example.net; account={}\"", n, n)}};
    }
    if (type == "TLSA" || type == "SMIMEA") {
        owner = type == "TLSA" ? fmt::format("_{}._tcp.{}", num(1, 65535), owner)
                               : fmt::format("{}._smimecert.{}", hex(28), owner);
        const int mt = num(0, 2);
        return {{std::to_string(num(0, 3))},
                {std::to_string(num(0, 1))},
                {std::to_string(mt)},
                {hex(mt == 0   ? static_cast<std::size_t>(num(10, 60))
                     : mt == 1 ? 32
                               : 64),
                 false, true}};
    }
    if (type == "SSHFP") {
        const int fp = num(1, 2);
        return {{std::to_string(num(1, 4))},
                {std::to_string(fp)},
                {hex(fp == 1 ? 20 : 32), false, true}};
    }
    if (type == "CDS" || type == "DLV") {
        return {{std::to_string(num(1, 65535))}, {"13"}, {"2"}, {hex(32), false, true}};
    }
    if (type == "CDNSKEY" || type == "KEY") {
        return {{any({"256", "257"})}, {"3"}, {any({"8", "13", "15"})}, {base64(64), false, true}};
    }
    if (type == "HINFO") {
        return {{fmt::format("\"cpu-{}\"", n)}, {any({"\"Linux\"", "\"OS with space\""})}};
    }
    if (type == "RP") {
        return {{fmt::format("admin{}.{}", n, m_zone), true}, {chance(0.3) ? "." : target(), true}};
    }
    if (type == "LOC") {
        // Sizes and precisions of the form d * 10^k cm: the only ones LOC holds exactly.
        static const std::vector<std::string> sizes = {"0m",  "1m",    "2m",    "10m",
                                                       "30m", "5000m", "90000m"};
        std::string t =
            fmt::format("{} {} {}.{:03} {} {} {} {}.{:03} {} {}.{:02}m", num(0, 89), num(0, 59),
                        num(0, 59), num(0, 999), any({"N", "S"}), num(0, 179), num(0, 59),
                        num(0, 59), num(0, 999), any({"E", "W"}), num(-100000, 100000), num(0, 99));
        if (chance(0.5)) {
            t += " " + one_of(sizes) + " " + one_of(sizes) + " " + one_of(sizes);
        }
        if (chance(0.2)) {
            t = fmt::format("{} {} {} {} {}m", num(0, 90), any({"N", "S"}), num(0, 180),
                            any({"E", "W"}), num(0, 1000));
        }
        std::vector<Field> f;
        for (auto& tok : split_tokens(t)) {
            f.push_back({tok});
        }
        return f;
    }
    if (type == "URI") {
        return {{std::to_string(num(0, 65535))},
                {std::to_string(num(0, 65535))},
                {fmt::format("\"https://www.example.net/{}\"", n)}};
    }
    if (type == "SVCB" || type == "HTTPS") {
        if (chance(0.25)) {
            return {{"0"}, lower_name("svc")};
        }
        std::vector<Field> f = {{std::to_string(num(1, 100))},
                                chance(0.3) ? Field{".", true} : lower_name("svc")};
        std::vector<std::string> params;
        bool alpn = false;
        if (chance(0.6)) {
            params.push_back(std::string("alpn=") + any({"h2", "h2,h3", "\"h3,h2\""}));
            alpn = true;
        }
        if (chance(0.5)) {
            params.push_back("port=" + std::to_string(num(1, 65535)));
        }
        if (chance(0.4)) {
            params.push_back(
                fmt::format("ipv4hint=192.0.2.{},198.51.100.{}", num(1, 254), num(1, 254)));
        }
        if (chance(0.4)) {
            params.push_back(fmt::format("ipv6hint=2001:db8::{:x}", num(1, 65535)));
        }
        if (alpn && chance(0.3)) {
            params.push_back("mandatory=alpn");
        }
        if (chance(0.2)) {
            params.push_back(fmt::format("key{}={}", num(65280, 65534), n));
        }
        std::shuffle(params.begin(), params.end(), m_rng);
        for (auto& p : params) {
            f.push_back({p});
        }
        return f;
    }
    if (type == "OPENPGPKEY" || type == "DHCID") {
        return {{base64(static_cast<std::size_t>(num(35, 120))), false, true}};
    }
    if (type == "CERT") {
        return {{any({"PKIX", "SPKI", "PGP", "IPKIX", "1", "3"})},
                {std::to_string(num(0, 65535))},
                {any({"0", "8", "13"})},
                {base64(static_cast<std::size_t>(num(20, 90))), false, true}};
    }
    if (type == "KX" || type == "AFSDB" || type == "RT") {
        return {{std::to_string(type == "AFSDB" ? num(1, 2) : num(0, 65535))}, {target(), true}};
    }
    if (type == "IPSECKEY") {
        // Its key is not split by blanks: BIND reads that, ldns (so we) cannot.
        const int gw = num(0, 3);
        Field gateway{"."};
        if (gw == 1) {
            gateway = {fmt::format("192.0.2.{}", num(1, 254))};
        } else if (gw == 2) {
            gateway = {fmt::format("2001:db8::{:x}", num(1, 65535))};
        } else if (gw == 3) {
            gateway = lower_name("gw");
        }
        return {{std::to_string(num(0, 255))},
                {std::to_string(gw)},
                {any({"1", "2", "3"})},
                gateway,
                {base64(static_cast<std::size_t>(num(20, 60)))}};
    }
    if (type == "NSAP") {
        return {{"0x" + hex(20)}};
    }
    if (type == "EUI48" || type == "EUI64") {
        std::string t;
        for (int i = 0; i < (type == "EUI48" ? 6 : 8); ++i) {
            t += (i != 0 ? "-" : "") + hex(1);
        }
        return {{t}};
    }
    if (type == "APL") {
        std::vector<Field> f;
        for (int i = num(0, 3); i > 0; --i) {
            f.push_back({chance(0.5)
                             ? fmt::format("{}1:10.{}.0.0/16", chance(0.3) ? "!" : "", num(0, 255))
                             : fmt::format("{}2:2001:db8:{:x}::/48", chance(0.3) ? "!" : "",
                                           num(0, 65535))});
        }
        return f; // none: empty rdata, printed "\# 0"
    }
    if (type == "CSYNC") {
        return {{std::to_string(num(1, 100000))},
                {std::to_string(num(0, 3))},
                {"A"},
                {any({"NS", "AAAA", "NS AAAA"})}};
    }
    if (type == "NID" || type == "L64") {
        return {{std::to_string(num(0, 65535))},
                {fmt::format("{}:{}:{}:{}", hex(2), hex(2), hex(2), hex(2))}};
    }
    if (type == "L32") {
        return {{std::to_string(num(0, 65535))},
                {fmt::format("10.1.{}.{}", num(0, 255), num(0, 255))}};
    }
    if (type == "LP") {
        return {{std::to_string(num(0, 65535))}, lower_name("l64-subnet")};
    }
    if (type == "HIP") {
        std::vector<Field> f = {{"2"}, {hex(16)}, {base64(static_cast<std::size_t>(num(40, 130)))}};
        for (int i = num(0, 2); i > 0; --i) {
            f.push_back(lower_name("rvs"));
        }
        return f;
    }
    if (type == "X25") {
        return {{fmt::format("\"{}\"", num(1000, 99999999))}};
    }
    if (type == "ISDN") {
        std::vector<Field> f = {{fmt::format("\"{}\"", num(100000, 999999999))}};
        if (chance(0.5)) {
            f.push_back({fmt::format("\"{:03}\"", num(0, 999))});
        }
        return f;
    }
    if (type == "MB" || type == "MG" || type == "MR") {
        return {{target(), true}};
    }
    if (type == "MINFO" || type == "PX") {
        std::vector<Field> f;
        if (type == "PX") {
            f.push_back({std::to_string(num(0, 65535))});
        }
        f.push_back({external("a"), true});
        f.push_back({external("b"), true});
        return f;
    }
    if (type == "WKS") {
        return {{fmt::format("192.0.2.{}", num(1, 254))},
                {any({"TCP", "tcp", "UDP"})},
                {"25"},
                {any({"53", "80", "443"})}};
    }
    if (type == "GPOS") {
        return {{fmt::format("\"{}.{}\"", num(-89, 89), num(0, 9999))},
                {fmt::format("\"{}.{}\"", num(-179, 179), num(0, 9999))},
                {fmt::format("\"{}.0\"", num(0, 1000))}};
    }
    if (type == "NSAP-PTR") {
        // Absolute only: ldns reads this name as a string and ignores $ORIGIN.
        return {{external("nsap")}};
    }
    if (type == "NULL" || type == "EID" || type == "NIMLOC") {
        const auto len = static_cast<std::size_t>(num(1, 20));
        return {{"\\#"}, {std::to_string(len)}, {hex(len), false, true}};
    }
    if (type == "ATMA") {
        return {{"39" + hex(18)}};
    }
    if (type == "TALINK") {
        return {lower_name("prev"), lower_name("next")};
    }
    if (type == "A6") {
        // ldns cannot read A6 text, both read the RFC 3597 form.
        return {{"\\#"}, {"17"}, {"00"}, {"20010db8" + hex(12), false, true}};
    }
    throw std::logic_error("zone generator: no rdata for " + type);
}

} // namespace dms::test
