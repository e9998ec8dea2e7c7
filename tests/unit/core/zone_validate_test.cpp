// SPDX-License-Identifier: GPL-3.0-or-later
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/zone_validate.hpp"

namespace dms {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view head = "$TTL 1h\n"                             // line 1
                                  "@ SOA ns1 hostmaster 1 2h 900 7d 1h\n" // line 2
                                  "@ NS ns1\n"                            // line 3
                                  "ns1 A 192.0.2.1\n";                    // line 4

/// Parse (which must succeed) and validate; the findings as text.
std::string check(const std::string& body, const ValidateOptions& o = {}) {
    ParseOptions p;
    p.zone_name = "example.org";
    const auto r = parse_zone_text(std::string(head) + body, p);
    EXPECT_TRUE(r.ok()) << format_findings("z", r.findings);
    return format_findings("z", validate_zone(r.zone, o));
}

TEST(ZoneValidate, GoodZoneHasNoFindings) {
    EXPECT_EQ(check("www A 192.0.2.2\nwww AAAA 2001:db8::2\n@ MX 10 mail\nmail A 192.0.2.3\n"
                    "_sip._tcp SRV 0 5 5060 sip\nsip A 192.0.2.4\n"
                    "alias CNAME www\nsub NS ns.sub\nns.sub A 192.0.2.5\n@ MX 20 mx.example.net.\n"
                    "*.wild A 192.0.2.6\n"),
              "");
}

TEST(ZoneValidate, CnameRules) {
    EXPECT_THAT(check("@ CNAME www.example.net.\n"),
                HasSubstr("z:5: error: CNAME at the zone apex"));
    EXPECT_THAT(check("www A 192.0.2.2\nwww CNAME other.example.net.\n"),
                HasSubstr("z:6: error: CNAME at www which has other records (first at line 5)"));
    EXPECT_THAT(check("www CNAME a.example.net.\nwww CNAME b.example.net.\n"),
                HasSubstr("z:6: error: more than one CNAME at www (first at line 5)"));
}

TEST(ZoneValidate, NothingBelowADname) {
    const auto f = check("old DNAME new.example.net.\nhost.old A 192.0.2.9\nold A 192.0.2.8\n");
    EXPECT_THAT(f, HasSubstr("z:6: error: host.old is below the DNAME at old"));
    EXPECT_THAT(f, Not(HasSubstr("z:7:"))); // data at the DNAME owner itself is allowed
}

TEST(ZoneValidate, DuplicatesAndTtls) {
    EXPECT_THAT(check("www A 192.0.2.2\nwww 300 A 192.0.2.2\n"),
                HasSubstr("z:6: error: duplicate record www A 192.0.2.2 (first at line 5)"));
    EXPECT_THAT(check("www A 192.0.2.2\nwww 300 A 192.0.2.3\n"),
                HasSubstr("z:6: warning: TTL differs within the www A RRset (line 5)"));
}

TEST(ZoneValidate, TargetsMustBeSane) {
    EXPECT_THAT(check("@ MX 10 mail\n"),
                HasSubstr("z:5: error: @ MX target mail.example.org. has no A or AAAA record"));
    EXPECT_THAT(check("@ MX 10 alias\nalias CNAME www.example.net.\n"),
                HasSubstr("z:5: error: @ MX target alias.example.org. is a CNAME"));
    EXPECT_THAT(check("sub NS ns.sub\n"),
                HasSubstr("z:5: error: sub NS target ns.sub.example.org. has no A or AAAA"));
    EXPECT_THAT(check("_x._tcp SRV 0 0 1 _bad.example.net.\n"),
                HasSubstr("z:5: error: _x._tcp SRV target _bad.example.net. is not a host name"));
    EXPECT_EQ(check("@ MX 0 .\n_x._tcp SRV 0 0 0 .\n"), ""); // null MX, no service
    EXPECT_THAT(check("@ MX 10 .\n"), HasSubstr("null MX (target '.') must have preference 0"));
    // A target in a delegated child is the child's business (no glue needed here).
    EXPECT_EQ(check("sub NS ns1.example.org.\n@ MX 10 mail.sub\n"), "");
}

TEST(ZoneValidate, HostNameOwners) {
    EXPECT_THAT(check("_dmarc A 192.0.2.2\n"),
                HasSubstr("z:5: error: owner _dmarc of a A record is not a host name"));
    EXPECT_EQ(check("_dmarc TXT \"v=DMARC1; p=none\"\n"), "");
}

TEST(ZoneValidate, DelegationsOccludeData) {
    EXPECT_THAT(check("sub NS ns1.example.org.\nwww.sub TXT \"hidden\"\n"),
                HasSubstr("z:6: warning: www.sub TXT is below the delegation at sub"));
}

TEST(ZoneValidate, DisabledRecordsAreNotServed) {
    // A disabled CNAME may sit beside data, and a disabled NS is no apex NS.
    EXPECT_EQ(check("www A 192.0.2.2\n;!DISABLE\nwww CNAME other.example.net.\n"), "");
    ParseOptions p;
    p.zone_name = "example.org";
    const auto r =
        parse_zone_text("@ SOA ns1 hm 1 2h 900 7d 1h\n;!DISABLE\n@ NS ns1.example.net.\n", p);
    ASSERT_TRUE(r.ok());
    EXPECT_THAT(format_findings("z", validate_zone(r.zone)),
                HasSubstr("the zone has no NS record at its apex"));
}

TEST(ZoneValidate, DnssecRecordsAreNamedsJob) {
    EXPECT_THAT(check("@ NSEC3PARAM 1 0 10 abcd\n"),
                HasSubstr("z:5: error: NSEC3PARAM records are maintained by named"));
}

TEST(ZoneValidate, ApexNsAndCaps) {
    ParseOptions p;
    p.zone_name = "example.org";
    const auto r = parse_zone_text("@ SOA ns1 hm 1 2h 900 7d 1h\nwww A 192.0.2.1\n", p);
    ASSERT_TRUE(r.ok());
    EXPECT_THAT(format_findings("z", validate_zone(r.zone)),
                HasSubstr("z: error: the zone has no NS record at its apex"));
    ValidateOptions no_ns;
    no_ns.require_apex_ns = false; // apex NS come from zone_cfg
    EXPECT_EQ(format_findings("z", validate_zone(r.zone, no_ns)), "");

    ValidateOptions caps;
    caps.max_rrset_size = 2;
    caps.max_zone_size = 6;
    const auto f = check("m A 192.0.2.10\nm A 192.0.2.11\nm A 192.0.2.12\n", caps);
    EXPECT_THAT(f, HasSubstr("z:7: error: m A has more than 2 records"));
    EXPECT_THAT(f, Not(HasSubstr("the zone has 6 records"))); // 6 is within the cap
}

TEST(ZoneValidate, SoaFields) {
    ZoneData z;
    z.name = "example.org.";
    z.has_soa = true;
    z.soa = {1, "_bad.example.org.", "hm.example.org.", "2h", "x", "7d", "1h", std::nullopt};
    z.zone_ttl = "1q";
    z.groups.push_back(
        {"",
         "",
         {Rr{"@", "NS", {}, "ns1.example.net.", "", false, false, false, false, "", {}, 3}}});
    const auto f = format_findings("z", validate_zone(z));
    EXPECT_THAT(f, HasSubstr("SOA master name _bad.example.org. is not a host name"));
    EXPECT_THAT(f, HasSubstr("SOA retry 'x' is not a valid time"));
    EXPECT_THAT(f, HasSubstr("zone TTL '1q' is not a valid time"));
}

} // namespace
} // namespace dms
