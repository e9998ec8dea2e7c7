// SPDX-License-Identifier: GPL-3.0-or-later
#include <random>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/zone_text.hpp"

namespace dms {
namespace {

using ::testing::HasSubstr;

ParseResult parse(std::string_view text, const std::string& zone = "example.org") {
    ParseOptions o;
    o.zone_name = zone;
    return parse_zone_text(text, o);
}

const Rr* find(const ZoneData& z, std::string_view label, std::string_view type) {
    for (const auto& g : z.groups) {
        for (const auto& rr : g.rrs) {
            if (rr.label == label && rr.type == type) {
                return &rr;
            }
        }
    }
    return nullptr;
}

std::string findings_text(const ParseResult& r) {
    return format_findings("z", r.findings);
}

/// Everything a ZI holds, in an order-independent form.
auto canonical(const ZoneData& z) {
    std::set<std::tuple<std::string, std::string, std::string, std::string, std::string,
                        std::string, std::string, std::string>>
        rrs;
    for (const auto& g : z.groups) {
        for (const auto& rr : g.rrs) {
            rrs.emplace(g.comment + "|" + g.tag, rr.label, rr.type, rr.rdata, rr.ttl.value_or("-"),
                        rr.comment, rr.reference,
                        std::to_string(rr.lock_ptr) + std::to_string(rr.disable) +
                            std::to_string(rr.track_reverse));
        }
    }
    return std::make_tuple(z.name, z.zone_ttl, z.reference, z.soa.serial, z.soa.mname, z.soa.rname,
                           z.soa.refresh + z.soa.retry + z.soa.expire + z.soa.minimum,
                           z.soa.ttl.value_or("-"), rrs);
}

constexpr std::string_view basic = R"($TTL 1h
$ORIGIN example.org.
;| Apex resource records for example.org.
;!REF:Customer-7
@   IN SOA ( ns1.Example.ORG. hostmaster ;comment inside
             2026010100 2h 900 7d 1h )
    IN NS ns1
    NS ns2.example.net.

;| Web servers
;# the main site
www 300 IN A 192.0.2.10
www AAAA 2001:db8::10
;!DISABLE TRACKREV
old IN 600 A 192.0.2.11

mail MX 10 mx1.example.net.
$ORIGIN sub.example.org.
host A 192.0.2.20
)";

TEST(ZoneParse, BasicZone) {
    const auto r = parse(basic);
    ASSERT_TRUE(r.ok()) << findings_text(r);
    const auto& z = r.zone;
    EXPECT_EQ(z.name, "example.org.");
    EXPECT_EQ(z.zone_ttl, "1h");
    EXPECT_EQ(z.reference, "Customer-7");
    EXPECT_TRUE(z.has_soa);
    EXPECT_EQ(z.soa.mname, "ns1.example.org.");
    EXPECT_EQ(z.soa.rname, "hostmaster.example.org.");
    EXPECT_EQ(z.soa.serial, 2026010100U);
    EXPECT_EQ(z.soa.refresh, "2h");
    EXPECT_EQ(z.soa.retry, "900");
    EXPECT_EQ(z.soa.expire, "7d");
    EXPECT_EQ(z.soa.minimum, "1h");
    EXPECT_EQ(z.rr_count(), 8U); // SOA, 2 NS, 2 A + AAAA under www/old, MX, sub A

    ASSERT_EQ(z.groups.size(), 3U);
    EXPECT_EQ(z.groups[0].tag, apex_rr_tag);
    EXPECT_EQ(z.groups[0].rrs.size(), 2U); // the NS records follow the SOA
    EXPECT_EQ(z.groups[1].comment, "Web servers");
    EXPECT_EQ(z.groups[2].comment, ""); // after a blank line: the default group

    const auto* ns = find(z, "@", "NS");
    ASSERT_NE(ns, nullptr);
    EXPECT_EQ(ns->rdata, "ns1.example.org.");
    const auto* www = find(z, "www", "A");
    ASSERT_NE(www, nullptr);
    EXPECT_EQ(www->ttl, "300");
    EXPECT_EQ(www->comment, "the main site");
    EXPECT_EQ(www->line, 12);
    const auto* v6 = find(z, "www", "AAAA");
    ASSERT_NE(v6, nullptr);
    EXPECT_EQ(v6->ttl, std::nullopt);
    const auto* old = find(z, "old", "A");
    ASSERT_NE(old, nullptr);
    EXPECT_TRUE(old->disable);
    EXPECT_TRUE(old->track_reverse);
    EXPECT_EQ(old->ttl, "600");                   // class and TTL in either order
    EXPECT_NE(find(z, "host.sub", "A"), nullptr); // relative to the later $ORIGIN
    EXPECT_EQ(find(z, "mail", "MX")->rdata, "10 mx1.example.net.");
}

TEST(ZoneParse, EveryTypeLdnsKnowsIncludingUnknownTypes) {
    const auto r = parse(R"($TTL 300
@ SOA ns1 hm 1 1h 1h 1w 1h
@ NS ns1
ns1 A 192.0.2.1
@ CAA 0 issue "letsencrypt.org"
_443._tcp TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
@ SSHFP 1 1 0123456789abcdef0123456789abcdef01234567
@ HTTPS 1 . alpn="h2,h3" ipv4hint=192.0.2.1
svc SVCB 1 svc.example.net. port=8443
@ URI 10 1 "https://example.org/"
x OPENPGPKEY AAAA
d DNAME other.example.
@ NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.org!" .
@ LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
@ TYPE65534 \# 4 01020304
@ TXT "v=spf1 -all" "second string"
)");
    ASSERT_TRUE(r.ok()) << findings_text(r);
    EXPECT_EQ(find(r.zone, "@", "TYPE65534")->rdata, "\\# 4 01020304");
    EXPECT_EQ(find(r.zone, "@", "HTTPS")->rdata, "1 . alpn=h2,h3 ipv4hint=192.0.2.1");
    EXPECT_EQ(find(r.zone, "@", "TXT")->rdata, "\"v=spf1 -all\" \"second string\"");
    EXPECT_NE(find(r.zone, "_443._tcp", "TLSA"), nullptr);
}

TEST(ZoneParse, AllProblemsReportedTogetherWithLines) {
    const auto r = parse(R"($TTL 1h
@ SOA ns1 hm 1 1h 1h 1w 1h
@ NS ns1
bad A 999.1.1.1
$INCLUDE other.zone
outside.example.net. A 192.0.2.1
;!LOCKPTR BOGUS
x A 192.0.2.2
@ SOA ns1 hm 2 1h 1h 1w 1h
$TTL 2h
ch CH A 192.0.2.3
www SOA ns1 hm 1 1h 1h 1w 1h
)");
    EXPECT_FALSE(r.ok());
    const auto text = findings_text(r);
    EXPECT_THAT(text, HasSubstr("z:4: error: A record: "));
    EXPECT_THAT(text, HasSubstr("z:5: error: $INCLUDE is not supported"));
    EXPECT_THAT(text, HasSubstr("z:6: error: owner outside.example.net. is not inside the zone"));
    EXPECT_THAT(text, HasSubstr("z:7: error: unknown flag 'BOGUS'"));
    EXPECT_THAT(text, HasSubstr("z:9: error: a second SOA record"));
    EXPECT_THAT(text, HasSubstr("z:10: error: $TTL may appear only once, before any record"));
    EXPECT_THAT(text, HasSubstr("z:11: error: class CH not supported: only IN"));
    EXPECT_THAT(text, HasSubstr("z:12: error:")); // SOA not at apex or a second SOA
    // The good record between the bad ones was kept.
    EXPECT_NE(find(r.zone, "x", "A"), nullptr);
}

TEST(ZoneParse, StructuralErrors) {
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 1h 1w 1h\nwww A (\n192.0.2.1\n")),
                HasSubstr("z:2: error: '(' not closed"));
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 1h 1w 1h\nwww TXT \"open\n")),
                HasSubstr("z:2: error: unterminated quoted string"));
    EXPECT_THAT(findings_text(parse("  A 192.0.2.1\n@ SOA ns1 hm 1 1h 1h 1w 1h\n")),
                HasSubstr("z:1: error: record without an owner name"));
    EXPECT_THAT(findings_text(parse("@ A 192.0.2.1\n")),
                HasSubstr("z: error: the zone has no SOA record"));
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 1h 1w\n")),
                HasSubstr("z:1: error: SOA record needs 7 values"));
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 99999999999 1h 1h 1w 1h\n")),
                HasSubstr("z:1: error: SOA serial '99999999999' must be an integer"));
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 1h 1w 1h\nx 4294967295 A 192.0.2.1\n")),
                HasSubstr("z:2: error: TTL 4294967295 is out of range (0..2147483647)"));
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 1h 1w 1h\n$FOO bar\n")),
                HasSubstr("z:2: error: unknown directive $FOO"));
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 1h 1w 1h\n;!RROP:ADD\nx A 192.0.2.1\n")),
                HasSubstr("z:2: error: RROP: flags are only allowed in incremental update"));
}

TEST(ZoneParse, TtlsOutOfRangeAreReportedAsTtls) {
    // Issue 11: a TTL of 2^32 was reported as an RR type ("4294967296 record: ...").
    const auto r = parse("$TTL 1h\n@ SOA ns1 hm 1 1h 1h 1w 1h\n"
                         "a 4294967296 A 192.0.2.1\n"
                         "b 2147483648 A 192.0.2.2\n"
                         "c IN 7102w A 192.0.2.3\n"
                         "  99999999999999999999 A 192.0.2.4\n"
                         "d 1x A 192.0.2.5\n"
                         "e 000000000000000000001 A 192.0.2.6\n"
                         "f 2147483647 A 192.0.2.7\n");
    const auto text = findings_text(r);
    EXPECT_THAT(text, HasSubstr("z:3: error: TTL 4294967296 is out of range (0..2147483647)\n"));
    EXPECT_THAT(text, HasSubstr("z:4: error: TTL 2147483648 is out of range (0..2147483647)\n"));
    EXPECT_THAT(text, HasSubstr("z:5: error: TTL 7102w is out of range (0..2147483647)\n"));
    EXPECT_THAT(text, HasSubstr("z:6: error: TTL 99999999999999999999 is out of range"));
    EXPECT_THAT(text, HasSubstr("z:7: error: TTL '1x' is not a number of seconds or of units"));
    EXPECT_THAT(text, HasSubstr("z:8: error: TTL '000000000000000000001' is longer than 20"));
    EXPECT_EQ(text.find("record:"), std::string::npos) << text;
    EXPECT_EQ(find(r.zone, "a", "A"), nullptr);
    ASSERT_NE(find(r.zone, "f", "A"), nullptr);
    EXPECT_EQ(find(r.zone, "f", "A")->ttl, "2147483647");
    EXPECT_THAT(findings_text(parse("$TTL 4294967296\n@ SOA ns1 hm 1 1h 1h 1w 1h\n")),
                HasSubstr("z:1: error: $TTL 4294967296 is out of range (0..2147483647)"));
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 4294967296 1w 1h\n")),
                HasSubstr("z:1: error: SOA retry 4294967296 is out of range (0..2147483647)"));
}

TEST(ZoneParse, Generate) {
    const auto p = parse("$TTL 1h\n@ SOA ns1 hm 1 1h 1h 1w 1h\n"
                         "$GENERATE 1-4 host-$ A 192.0.2.$\n"
                         "$GENERATE 10-30/10 ${0,3,d} CNAME h${-9,2,x}.example.org.\n"
                         "$GENERATE 171-171 ${0,2,n} TXT \"\\$ is $\"\n");
    ASSERT_TRUE(p.ok()) << findings_text(p);
    EXPECT_EQ(find(p.zone, "host-4", "A")->rdata, "192.0.2.4");
    EXPECT_EQ(find(p.zone, "host-1", "A")->line, 3);
    EXPECT_EQ(find(p.zone, "010", "CNAME")->rdata, "h01.example.org.");
    EXPECT_EQ(find(p.zone, "030", "CNAME")->rdata, "h15.example.org.");
    EXPECT_EQ(find(p.zone, "b.a", "TXT")->rdata, "\"$ is 171\"");
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 1h 1w 1h\n$GENERATE 1-100000 h$ A "
                                    "192.0.2.1\n")),
                HasSubstr("z:2: error: $GENERATE range 1-100000 makes more than 65536"));
    EXPECT_THAT(findings_text(parse("@ SOA ns1 hm 1 1h 1h 1w 1h\n$GENERATE 5-1 h$ A 192.0.2.1\n")),
                HasSubstr("bad range '5-1'"));
}

// Found by zone_text_fuzz: a negative width ended the program (fmt threw
// format_error out of parse_zone_text), a huge width built a string that large for
// every record, and an offset near LONG_MAX overflowed (UBSan).
TEST(ZoneParse, GenerateModifiersOutOfRangeAreFindings) {
    const std::string head = "@ SOA ns1 hm 1 1h 1h 1w 1h\n";
    EXPECT_THAT(findings_text(parse(head + "$GENERATE 1-2 h${0,-2,x} A 192.0.2.1\n")),
                HasSubstr("z:2: error: $GENERATE: bad modifier ${0,-2,x}"));
    EXPECT_THAT(findings_text(parse(head + "$GENERATE 1-2 h${0,256} A 192.0.2.1\n")),
                HasSubstr("z:2: error: $GENERATE: bad modifier ${0,256}"));
    EXPECT_THAT(findings_text(parse(head + "$GENERATE 1-2 h${9223372036854775807} A 192.0.2.1\n")),
                HasSubstr("z:2: error: $GENERATE: the offset makes a value beyond "
                          "9223372036854775807"));
    const auto p = parse(head + "$GENERATE 1-1 ${0,63}.h A 192.0.2.1\n");
    ASSERT_TRUE(p.ok()) << findings_text(p);
    EXPECT_NE(find(p.zone, std::string(62, '0') + "1.h", "A"), nullptr);
}

// Found by zone_text_fuzz: ldns keeps the number of TYPEnnn as any int; 65536 and
// above were read as an ldns_rr_type (undefined, UBSan) and went on as another type.
TEST(ZoneParse, TypeNumbersAbove65535AreRefused) {
    const std::string head = "@ SOA ns1 hm 1 1h 1h 1w 1h\n";
    for (const std::string number : {"65536", "65537", "65534567"}) {
        EXPECT_THAT(findings_text(parse(head + "u TYPE" + number + " \\# 0\n")),
                    HasSubstr("z:2: error: TYPE" + number + " record: type number " + number +
                              " out of range 0-65535"))
            << number;
    }
    const auto p = parse(head + "u TYPE65535 \\# 1 00\n");
    ASSERT_TRUE(p.ok()) << findings_text(p);
    EXPECT_NE(find(p.zone, "u", "TYPE65535"), nullptr);
}

TEST(ZoneParse, ZoneNameFromText) {
    ParseOptions o;
    o.name_from_text = true;
    auto r = parse_zone_text("$ORIGIN Example.COM.\n@ SOA ns1 hm 1 1h 1h 1w 1h\n", o);
    ASSERT_TRUE(r.ok()) << findings_text(r);
    EXPECT_EQ(r.zone.name, "example.com.");
    r = parse_zone_text("example.net. SOA ns1 hm 1 1h 1h 1w 1h\n", o);
    EXPECT_EQ(r.zone.name, "example.net.");
    r = parse_zone_text("@ SOA ns1 hm 1 1h 1h 1w 1h\n", o);
    EXPECT_THAT(findings_text(r), HasSubstr("cannot tell the zone name"));
}

TEST(ZonePrint, LayoutAndFlags) {
    const auto r = parse(basic);
    ASSERT_TRUE(r.ok());
    PrintHeader h;
    h.change_by = "ops@host/Admin";
    h.zi_id = "42";
    const auto text = print_zone_text(r.zone, h);
    EXPECT_EQ(text.rfind("$TTL 1h\n$ORIGIN example.org.\n", 0), 0U) << text;
    EXPECT_THAT(text, HasSubstr("; change_by:  ops@host/Admin\n"));
    const auto apex = text.find(";| Apex resource records for example.org.\n;!REF:Customer-7\n@");
    const auto web = text.find(";| Web servers");
    const auto mx = text.find("mail ");
    ASSERT_NE(apex, std::string::npos) << text;
    EXPECT_LT(apex, web);
    EXPECT_LT(web, mx); // the default group comes last
    EXPECT_THAT(text, HasSubstr(";Serial yyyymmddnn"));
    EXPECT_THAT(text, HasSubstr(";!TRACKREV DISABLE\nold "));
    EXPECT_THAT(text, HasSubstr(";# the main site\nwww "));

    PrintOptions named;
    named.for_named = true;
    const auto file = print_zone_text(r.zone, h, named);
    EXPECT_THAT(file, HasSubstr("\n; old "));
    EXPECT_EQ(file.find(";!"), std::string::npos);
}

TEST(ZonePrint, PrintThenParseGivesTheSameZone) {
    const auto r = parse(basic);
    ASSERT_TRUE(r.ok());
    const auto again = parse(print_zone_text(r.zone));
    ASSERT_TRUE(again.ok()) << findings_text(again);
    EXPECT_EQ(canonical(again.zone), canonical(r.zone));
}

TEST(ZonePrint, AQuoteInsideANameIsPrintedEscaped) {
    // Found by zone_text_fuzz: ldns prints a '"' in a label as it is, and the printed
    // zone then opened a quoted string that never ended.
    const auto r = parse("@ SOA ns1 hm 1 1h 1h 1w 1h\n"
                         "ptr PTR a\\\"b.example.net.\n"
                         "naptr NAPTR 100 10 \"U\" \"E2U+sip\" \"\" \\\"x.example.org.\n");
    ASSERT_TRUE(r.ok()) << findings_text(r);
    const auto printed = print_zone_text(r.zone);
    const auto again = parse(printed);
    ASSERT_TRUE(again.ok()) << findings_text(again) << printed;
    EXPECT_EQ(canonical(again.zone), canonical(r.zone)) << printed;
}

/// A random zone over many types, groups, flags and comments.
std::string random_zone(std::mt19937& rng) {
    static const std::vector<std::string> rdatas = {
        "A 192.0.2.{n}",
        "AAAA 2001:db8::{n}",
        "MX {n} mx{n}.example.net.",
        "TXT \"text {n} with ; semicolon\"",
        "CNAME target{n}.example.com.",
        "SRV 0 5 {n} sip{n}.example.net.",
        "CAA 0 issuewild \"ca{n}.example\"",
        "SSHFP 4 2 {h}{h}",
        "TLSA 3 1 1 {h}{h}",
        "NAPTR {n} 10 \"U\" \"E2U+sip\" \"!^.*$!sip:x@example.org!\" .",
        "PTR host{n}.example.org.",
        "HINFO \"cpu{n}\" \"os\"",
        "DS {n} 13 2 {h}{h}",
        "URI {n} 1 \"https://example.org/{n}\"",
        "TYPE65534 \\# 2 {x}",
        "SVCB 1 svc{n}.example.net. port={n}",
        "LOC 52 22 23.000 N 4 53 32.000 E {n}.00m 1m 10000m 10m",
        "RP mbox{n}.example.org. txt{n}.example.org.",
        "SPF \"v=spf1 ip4:192.0.2.{n} -all\"",
    };
    std::uniform_int_distribution<int> pick(0, static_cast<int>(rdatas.size()) - 1);
    std::uniform_int_distribution<int> num(1, 250);
    std::uniform_int_distribution<int> coin(0, 3);
    std::string z = "$TTL 1h\n;| Apex resource records for example.org.\n"
                    "@ SOA ns1 hostmaster 2026010100 2h 900 7d 1h\n@ NS ns1\nns1 A 192.0.2.53\n";
    std::set<std::string> owners_with_cname;
    for (int g = 0; g < 4; ++g) {
        z += "\n";
        if (g != 3) {
            z += ";| group " + std::to_string(g) + "\n";
        }
        for (int i = 0; i < 12; ++i) {
            const int n = num(rng);
            std::string rd = rdatas[static_cast<std::size_t>(pick(rng))];
            auto rep = [&](const std::string& key, const std::string& val) {
                for (auto p = rd.find(key); p != std::string::npos; p = rd.find(key)) {
                    rd.replace(p, key.size(), val);
                }
            };
            rep("{n}", std::to_string(n));
            rep("{h}", fmt::format("{:032x}", static_cast<unsigned>(rng())));
            rep("{x}", fmt::format("{:04x}", n));
            // A CNAME owner holds nothing else: give CNAMEs their own names.
            const std::string owner = rd.starts_with("CNAME") ? "alias" + std::to_string(n)
                                                              : "h" + std::to_string(n % 20);
            if (coin(rng) == 0) {
                z += ";# note " + std::to_string(n) + "\n";
            }
            if (coin(rng) == 0) {
                z += ";!DISABLE REF:r" + std::to_string(n) + "\n";
            }
            z += owner + (coin(rng) == 0 ? " 300 " : " ") + rd + "\n";
        }
    }
    return z;
}

TEST(ZonePrint, RoundTripPropertyOverGeneratedZones) {
    std::mt19937 rng(1234);
    for (int i = 0; i < 200; ++i) {
        const auto text = random_zone(rng);
        const auto r = parse(text);
        ASSERT_TRUE(r.ok()) << findings_text(r) << text;
        const auto printed = print_zone_text(r.zone);
        const auto again = parse(printed);
        ASSERT_TRUE(again.ok()) << findings_text(again) << printed;
        ASSERT_EQ(canonical(again.zone), canonical(r.zone)) << printed;
        // Printing is deterministic: a second round trip prints the same text.
        EXPECT_EQ(print_zone_text(again.zone), printed);
    }
}

TEST(ZoneParse, ParallelParseOfABigZoneEqualsTheSequentialOne) {
    // > 4 MB of groups, comments, flags and relative names under a $ORIGIN.
    std::string text = "$TTL 1h\n$ORIGIN example.org.\n@ SOA ns1 hm 1 2h 900 7d 1h\n@ NS ns1\n";
    for (int g = 0; g < 4000; ++g) {
        text += fmt::format("\n;| group {}\n", g % 700);
        for (int i = 0; i < 40; ++i) {
            const int n = g * 40 + i;
            if (i % 7 == 0) {
                text += fmt::format(";# note {}\n;!TRACKREV\n", n);
            }
            text += fmt::format("h{} {} A 10.{}.{}.{}\n", n, i % 3 == 0 ? "300" : "", n >> 16,
                                (n >> 8) & 255, n & 255);
        }
    }
    ASSERT_GT(text.size(), 4U << 20);
    ParseOptions o;
    o.zone_name = "example.org";
    const auto par = parse_zone_text(text, o);
    o.parallel = false;
    const auto seq = parse_zone_text(text, o);
    ASSERT_TRUE(seq.ok()) << findings_text(seq);
    ASSERT_TRUE(par.ok()) << findings_text(par);
    EXPECT_EQ(par.zone.rr_count(), seq.zone.rr_count());
    EXPECT_EQ(canonical(par.zone), canonical(seq.zone));
    EXPECT_EQ(print_zone_text(par.zone), print_zone_text(seq.zone));

    // With an error in the second half, the findings are exactly the sequential ones.
    const auto bad = text + "\nbroken A 999.1.1.1\nouter.example.net. A 10.0.0.1\n";
    o.parallel = true;
    const auto pbad = parse_zone_text(bad, o);
    o.parallel = false;
    const auto sbad = parse_zone_text(bad, o);
    EXPECT_FALSE(pbad.ok());
    EXPECT_EQ(findings_text(pbad), findings_text(sbad));
    EXPECT_THAT(findings_text(pbad),
                HasSubstr(fmt::format("z:{}: error: A record",
                                      std::count(bad.begin(), bad.end(), '\n') - 1)));
}

} // namespace
} // namespace dms
