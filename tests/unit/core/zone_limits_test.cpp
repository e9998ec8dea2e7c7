// SPDX-License-Identifier: GPL-3.0-or-later
// Size limits of zone text: nothing is cut. RDATA beyond what a record may hold, a
// character-string beyond 255 octets, names beyond 63/255 octets and malformed
// RFC 3597 data are refused with the line; values at the limits are kept exactly.
// (ldns, under the parser, silently drops RDATA text beyond 65,534 characters, takes
// "\# n" modulo 65,536 and drops "\#" octets a type does not use.)

#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/zone.hpp"
#include "dms/core/zone_text.hpp"

namespace dms {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view head = "$TTL 1h\n@ SOA ns1 hostmaster 1 2h 900 7d 1h\n@ NS ns1\n"
                                  "ns1 A 192.0.2.1\n";

ParseResult parse_body(std::string_view body) {
    ParseOptions o;
    o.zone_name = "example.org";
    return parse_zone_text(std::string(head) + std::string(body), o);
}

const Rr* find_rr(const ZoneData& z, std::string_view label, std::string_view type) {
    for (const auto& g : z.groups) {
        for (const auto& rr : g.rrs) {
            if (rr.label == label && rr.type == type) {
                return &rr;
            }
        }
    }
    return nullptr;
}

std::string findings(const ParseResult& r) {
    return format_findings("z", r.findings);
}

/// `count` quoted strings of `size` letters each, blank separated.
std::string strings(std::size_t count, std::size_t size, char letter = 'a') {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        out += i == 0 ? "\"" : " \"";
        out.append(size, letter);
        out += '"';
    }
    return out;
}

/// TXT RDATA of exactly `octets` octets on the wire: strings of 255 letters, then
/// one shorter string.
std::string txt_of(std::size_t octets) {
    std::string out = strings(octets / 256, 255);
    if (const auto rest = octets % 256; rest != 0) {
        out += out.empty() ? "" : " ";
        out += strings(1, rest - 1, 'b');
    }
    return out;
}

// "t.example.org." takes 15 octets: its records may hold 65,000 - 15 - 10 octets.
constexpr std::size_t t_rdata_max = max_record_octets - 15 - 10;

TEST(ZoneLimits, TxtOfEightyKilobytesIsRefusedWithTheLineAndTheLimit) {
    // The operators' case: 400 strings of 200 octets (80,400 octets of RDATA), once on
    // one line and once in parentheses over many lines. Before the fix both loaded,
    // cut to about 65.5 KB.
    std::string multi = "t2 TXT (\n";
    for (std::size_t i = 0; i < 400; ++i) {
        multi += "  " + strings(1, 200) + "\n";
    }
    multi += ")\n";
    const auto r = parse_body("t TXT " + strings(400, 200) + "\nok TXT x\n" + multi);
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(findings(r), HasSubstr("z:5: error: TXT record: RDATA of more than 65535 octets, "
                                       "above the DNS limit"));
    EXPECT_THAT(findings(r), HasSubstr("z:7: error: TXT record: RDATA of more than 65535"));
    EXPECT_EQ(find_rr(r.zone, "t", "TXT"), nullptr);
    EXPECT_EQ(find_rr(r.zone, "t2", "TXT"), nullptr);
    EXPECT_NE(find_rr(r.zone, "ok", "TXT"), nullptr);
}

TEST(ZoneLimits, TenMegabyteOneLineRecordIsRefused) {
    // Before the fix it kept 323 of its 50,000 strings.
    const auto r = parse_body("big TXT " + strings(50000, 200) + "\n");
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(findings(r), HasSubstr("z:5: error: TXT record: RDATA of more than 65535"));
    EXPECT_EQ(find_rr(r.zone, "big", "TXT"), nullptr);
}

TEST(ZoneLimits, RecordOneOctetAboveTheLimitIsRefusedWithItsSize) {
    const auto at = parse_body("t TXT " + txt_of(t_rdata_max) + "\n");
    ASSERT_TRUE(at.ok()) << findings(at);
    const auto over = parse_body("t TXT " + txt_of(t_rdata_max + 1) + "\n");
    EXPECT_FALSE(over.ok());
    EXPECT_THAT(findings(over),
                HasSubstr(fmt::format("z:5: error: TXT record: the record takes 65001 octets ({} "
                                      "of RDATA), above the limit of 65000 for one record",
                                      t_rdata_max + 1)));
    EXPECT_EQ(find_rr(over.zone, "t", "TXT"), nullptr);
}

TEST(ZoneLimits, TxtAtTheLimitIsKeptExactlyAndPrintsBack) {
    const auto rdata = txt_of(t_rdata_max);
    const auto r = parse_body("t TXT " + rdata + "\n");
    ASSERT_TRUE(r.ok()) << findings(r);
    const auto* rr = find_rr(r.zone, "t", "TXT");
    ASSERT_NE(rr, nullptr);
    EXPECT_EQ(rr->rdata, rdata);
    ParseOptions o;
    o.zone_name = "example.org";
    const auto again = parse_zone_text(print_zone_text(r.zone), o);
    ASSERT_TRUE(again.ok()) << findings(again);
    EXPECT_EQ(find_rr(again.zone, "t", "TXT")->rdata, rdata);
}

TEST(ZoneLimits, TextLongerThanLdnsReadsIsReadWhole) {
    // 300 strings of 60 escaped octets: 72,900 characters of text, 18,300 octets.
    // ldns alone kept the first 65,534 characters (269 strings).
    std::string one = "\"";
    for (int i = 0; i < 60; ++i) {
        one += "\\255";
    }
    one += "\"";
    std::string body = "t TXT";
    for (int i = 0; i < 300; ++i) {
        body += " " + one;
    }
    const auto r = parse_body(body + "\n");
    ASSERT_TRUE(r.ok()) << findings(r);
    const auto* rr = find_rr(r.zone, "t", "TXT");
    ASSERT_NE(rr, nullptr);
    EXPECT_EQ(rr->rdata, body.substr(6));
    // The same over many lines in parentheses.
    std::string multi = "m TXT (\n";
    for (int i = 0; i < 300; ++i) {
        multi += one + "\n";
    }
    const auto m = parse_body(multi + ")\n");
    ASSERT_TRUE(m.ok()) << findings(m);
    EXPECT_EQ(find_rr(m.zone, "m", "TXT")->rdata, body.substr(6));
}

TEST(ZoneLimits, CharacterStringsOfMoreThan255OctetsAreRefusedNotSplit) {
    // named-checkzone refuses them too ("syntax error"); it never splits them.
    const auto ok = parse_body("t TXT " + strings(1, 255) + "\nh HINFO " + strings(2, 255) + "\n");
    ASSERT_TRUE(ok.ok()) << findings(ok);
    EXPECT_EQ(find_rr(ok.zone, "t", "TXT")->rdata, strings(1, 255));
    for (const auto& body : {"t TXT " + strings(1, 256) + "\n", "t TXT x " + strings(1, 300) + "\n",
                             "h HINFO " + strings(1, 256) + " x\n"}) {
        const auto r = parse_body(body);
        EXPECT_FALSE(r.ok()) << body.substr(0, 20);
        EXPECT_THAT(findings(r), HasSubstr("z:5: error:"));
        EXPECT_THAT(findings(r), HasSubstr("a character-string of "));
        EXPECT_THAT(findings(r), HasSubstr("above the limit of 255"));
    }
    // Escapes count one octet each: 255 \DDD escapes are 255 octets.
    std::string escaped = "\"";
    for (int i = 0; i < 255; ++i) {
        escaped += "\\065";
    }
    EXPECT_TRUE(parse_body("t TXT " + escaped + "\"\n").ok());
    EXPECT_THAT(findings(parse_body("t TXT " + escaped + "A\"\n")),
                HasSubstr("a character-string of 256 octets, above the limit of 255"));
    // A long string inside a long list: the list is read in pieces, the string refused.
    EXPECT_THAT(findings(parse_body("t TXT " + strings(400, 200) + " " + strings(1, 256) + "\n")),
                HasSubstr("a character-string of 256 octets"));
}

TEST(ZoneLimits, GenericRdataIsCheckedNotWrappedOrCut) {
    // ldns took the length modulo 65,536 ("\# 65537 00" was one octet), dropped octets
    // the type does not use and read "0x" as a hex digit; named refuses all three.
    for (const auto* body :
         {"t TYPE65280 \\# 65537 00\n", "t TYPE65280 \\# 65536 00\n", "t TYPE65280 \\# 3a 010203\n",
          "t TYPE65280 \\# 3 0x0203\n", "t TYPE65280 \\# 2 010203\n", "t TYPE65280 \\# 4 010203\n",
          "t A \\# 5 0a00000101\n", "t MX \\# 4 000a0000\n", "t TYPE65280 \\#\n"}) {
        const auto r = parse_body(body);
        EXPECT_FALSE(r.ok()) << body;
        EXPECT_THAT(findings(r), HasSubstr("z:5: error:")) << body;
        EXPECT_THAT(findings(r), HasSubstr("\\#")) << body;
    }
    EXPECT_THAT(findings(parse_body("t A \\# 5 0a00000101\n")),
                HasSubstr("\\# 5: the fields of the type take 4 of the 5 octets"));
    EXPECT_THAT(findings(parse_body("t TYPE65280 \\# 65537 00\n")),
                HasSubstr("\\# needs a length of 0 to 65535 octets, found '65537'"));
    // Digits may be split anywhere; known types get their fields.
    const auto r = parse_body("u TYPE65280 \\# 3 0 10 203\na TYPE1 \\# 4 C0000201\n");
    ASSERT_TRUE(r.ok()) << findings(r);
    EXPECT_EQ(find_rr(r.zone, "u", "TYPE65280")->rdata, "\\# 3 010203");
    EXPECT_EQ(find_rr(r.zone, "a", "A")->rdata, "192.0.2.1");
}

TEST(ZoneLimits, LongGenericRdataIsKeptWhole) {
    // 40,000 octets are 80,000 hex digits: more text than ldns reads in one piece.
    std::string hex;
    for (int i = 0; i < 40000; ++i) {
        hex += fmt::format("{:02x}", i % 251);
    }
    const auto r = parse_body("g TYPE65280 \\# 40000 " + hex + "\n");
    ASSERT_TRUE(r.ok()) << findings(r);
    EXPECT_EQ(find_rr(r.zone, "g", "TYPE65280")->rdata, "\\# 40000 " + hex);
    // Above the record limit as \# too.
    const auto over = parse_body(fmt::format("g TYPE65280 \\# {} {}\n", t_rdata_max + 1,
                                             std::string(2 * (t_rdata_max + 1), '0')));
    EXPECT_THAT(findings(over), HasSubstr("z:5: error: TYPE65280 record: the record takes 65001"));
}

TEST(ZoneLimits, OtherTypesWithTextLongerThanLdnsReadsAreRefused) {
    // 48,000 octets of base64 are 64,000 characters: refused with the way out, the
    // \# form (which has no text limit), rather than cut.
    std::string b64(64000, 'A');
    const auto r = parse_body("k OPENPGPKEY " + b64 + "\n");
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(findings(r), HasSubstr("z:5: error: OPENPGPKEY record: RDATA text of 64000 "
                                       "characters, more than the 60000 read for this type"));
    const auto g = parse_body("k OPENPGPKEY \\# 48000 " + std::string(96000, '0') + "\n");
    EXPECT_TRUE(g.ok()) << findings(g);
}

TEST(ZoneLimits, OwnerAndRdataNamesBeyond63And255OctetsAreRefusedWithTheName) {
    const std::string l63(63, 'a');
    const std::string l64(64, 'a');
    // 63-octet labels up to 255 octets: "t" + 3 x 63 + "example.org" is 217 octets.
    const auto ok = parse_body(fmt::format("t.{0}.{0}.{0} A 192.0.2.1\n", l63));
    ASSERT_TRUE(ok.ok()) << findings(ok);
    EXPECT_THAT(findings(parse_body(l64 + " A 192.0.2.1\n")),
                HasSubstr("z:5: error: A record: owner name " + l64 + ": Label length overflow"));
    // Relative names completed with the origin beyond 255 octets (243 + 13): ldns
    // made such names without a word.
    const auto long_name = fmt::format("{0}.{0}.{0}.{1}", l63, std::string(50, 'b'));
    EXPECT_THAT(findings(parse_body(long_name + " A 192.0.2.1\n")),
                HasSubstr("z:5: error: A record: the owner name is 256 octets, above the limit "
                          "of 255"));
    EXPECT_THAT(findings(parse_body("x CNAME " + long_name + "\n")),
                HasSubstr("z:5: error: CNAME record: a domain name of 256 octets in the RDATA, "
                          "above the limit of 255"));
    EXPECT_THAT(findings(parse_body(std::string(300, 'a') + ". A 192.0.2.1\n")),
                HasSubstr("owner name of 301 characters: at most 255 are read"));
}

TEST(ZoneLimits, CommentsAreKeptWholeAndMustBeUtf8) {
    // A comment of 100,000 characters and one with every awkward character.
    const std::string long_comment(100000, 'c');
    const std::string odd = "tab\there \\ \"quoted\" {braces}, NULL caf\xc3\xa9 \xe2\x82\xac";
    const auto r = parse_body(";| " + long_comment + "\n;# " + odd + "\nx A 192.0.2.9\n");
    ASSERT_TRUE(r.ok()) << findings(r);
    const auto* rr = find_rr(r.zone, "x", "A");
    ASSERT_NE(rr, nullptr);
    EXPECT_EQ(rr->comment, odd);
    bool found = false;
    for (const auto& g : r.zone.groups) {
        found = found || g.comment == long_comment;
    }
    EXPECT_TRUE(found);
    // The database keeps UTF-8 text: other bytes were refused by it, without a line.
    for (const auto* bad :
         {";# caf\xe9\n", ";| \xff\n", ";# \xc3\n", ";# \xed\xa0\x80\n", ";# \xc0\xaf\n"}) {
        const auto b = parse_body(std::string(bad) + "x A 192.0.2.9\n");
        EXPECT_FALSE(b.ok()) << bad;
        EXPECT_THAT(findings(b), HasSubstr("z:5: error: comment is not UTF-8 text (byte 0x"))
            << bad;
    }
    EXPECT_THAT(findings(parse_body(";# caf\xe9\nx A 192.0.2.9\n")),
                HasSubstr("(byte 0xe9 at column 7)"));
}

TEST(ZoneLimits, ReferencesUpTo1024CharactersAreKeptLongerOnesRefusedWithTheLimit) {
    const std::string ok(1024, 'r');
    const auto r = parse_body(";!REF:" + ok + "\nx A 192.0.2.9\n");
    ASSERT_TRUE(r.ok()) << findings(r);
    EXPECT_EQ(find_rr(r.zone, "x", "A")->reference, ok);
    EXPECT_THAT(findings(parse_body(";!REF:" + ok + "r\nx A 192.0.2.9\n")),
                HasSubstr("z:5: error: bad reference '" + ok +
                          "r': letters, digits and -_.@, "
                          "starting with a letter or digit, at most 1024"));
}

} // namespace
} // namespace dms
