// SPDX-License-Identifier: GPL-3.0-or-later
// Nothing is cut on the way into the database: values beyond a limit are refused by
// zone_tool with the place and the limit, nothing saved; values at the limit come
// back exactly.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/zone.hpp"

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view head = "$TTL 300\n@ SOA ns1 hostmaster 1 2h 900 7d 1h\n@ NS ns1\n"
                                  "ns1 A 192.0.2.1\n";

std::string strings(std::size_t count, std::size_t size, char letter = 'a') {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        out += i == 0 ? "\"" : " \"";
        out.append(size, letter);
        out += '"';
    }
    return out;
}

class ZoneLimitsDb : public ZoneToolDbTest {
protected:
    std::string snapshot() {
        return sql_value("SELECT concat_ws(',', (SELECT count(*) FROM sm_zone),"
                         " (SELECT count(*) FROM zone_instances),"
                         " (SELECT count(*) FROM resource_records),"
                         " (SELECT count(*) FROM rr_comments),"
                         " (SELECT count(*) FROM sm_event_queue))");
    }
    std::string rdata_of(const std::string& label, const std::string& type) {
        return sql_value("SELECT rdata FROM resource_records WHERE label = '" + label +
                         "' AND type = '" + type + "'");
    }
};

TEST_F(ZoneLimitsDb, TxtAboveTheLimitIsRefusedByEveryLoadCommand) {
    // The operators' 80 KB record: it loaded with exit 0 and was stored cut to 65.5 KB.
    const auto file =
        m_dir.write("big.org", std::string(head) + "t TXT " + strings(400, 200) + "\n");
    ASSERT_EQ(zt({"create_zone", "existing.org"}).status, 0);
    const auto before = snapshot();
    const auto load = zt({"load_zone", file, "big.org"});
    EXPECT_EQ(load.status, 65) << load.err;
    EXPECT_THAT(load.err, HasSubstr(file + ":5: error: TXT record: RDATA of more than 65535 "
                                           "octets, above the DNS limit"));
    EXPECT_THAT(load.err, HasSubstr("nothing saved"));
    const auto zi = zt({"load_zone_zi", file, "existing.org"});
    EXPECT_EQ(zi.status, 65) << zi.err;
    EXPECT_THAT(zi.err, HasSubstr(":5: error: TXT record: RDATA of more than 65535"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(ZoneLimitsDb, TxtAtTheLimitRoundTripsExactly) {
    // 253 strings of 256 octets and one of 207: 64,975 octets of RDATA, with the
    // 15-octet owner (t.limit-1.org.) a record of exactly max_record_octets.
    const auto rdata = strings(253, 255) + " " + strings(1, 206, 'b');
    const auto file = m_dir.write("limit.org", std::string(head) + "t TXT " + rdata + "\n");
    const auto load = zt({"load_zone", file, "limit-1.org"});
    ASSERT_EQ(load.status, 0) << load.err;
    EXPECT_EQ(rdata_of("t", "TXT"), rdata);
    // show_zone prints it whole and the print loads again as the same record.
    const auto show = zt({"show_zone", "limit-1.org"});
    ASSERT_EQ(show.status, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr(rdata));
    const auto again = m_dir.write("again.org", show.out);
    const auto reload = zt({"load_zone_zi", again, "limit-1.org"});
    ASSERT_EQ(reload.status, 0) << reload.err;
    EXPECT_EQ(sql_value("SELECT count(DISTINCT rdata) || ' ' || count(*) FROM resource_records "
                        "WHERE type = 'TXT'"),
              "1 2");
    EXPECT_EQ(rdata_of("t", "TXT").substr(0, 20), rdata.substr(0, 20));

    const auto over = m_dir.write("over.org", std::string(head) + "t TXT " + strings(253, 255) +
                                                  " " + strings(1, 207) + "\n");
    const auto refused = zt({"load_zone", over, "limit-2.org"});
    EXPECT_EQ(refused.status, 65);
    EXPECT_THAT(refused.err, HasSubstr(over + ":5: error: TXT record: the record takes 65001 "
                                              "octets (64976 of RDATA), above the limit of 65000"));
}

TEST_F(ZoneLimitsDb, TextLongerThanLdnsReadsIsStoredWhole) {
    // 300 strings of 60 escaped octets: 72,900 characters, of which ldns kept 65,534.
    std::string one = "\"";
    for (int i = 0; i < 60; ++i) {
        one += "\\255";
    }
    one += "\"";
    std::string rdata;
    for (int i = 0; i < 300; ++i) {
        rdata += (i == 0 ? "" : " ") + one;
    }
    const auto file = m_dir.write("esc.org", std::string(head) + "t TXT " + rdata + "\n");
    const auto load = zt({"load_zone", file, "esc.org"});
    ASSERT_EQ(load.status, 0) << load.err;
    EXPECT_EQ(rdata_of("t", "TXT"), rdata);
}

TEST_F(ZoneLimitsDb, LongestOwnerNamesAreStoredWhole) {
    // Four labels of 60 octets 0xC8 (raw in the file) that ldns prints as \200:
    // 244 octets, 963 characters of label text (the column held 255).
    const std::string raw(60, '\xc8');
    std::string label;
    for (int i = 0; i < 60; ++i) {
        label += "\\200";
    }
    const auto owner = fmt::format("{0}.{0}.{0}.{0}", raw);
    const auto file = m_dir.write("o.org", fmt::format("$TTL 300\n@ SOA ns1 hostmaster 1 2h 900 "
                                                       "7d 1h\n@ NS ns1\nns1 A 192.0.2.1\n{} "
                                                       "TXT x\n",
                                                       owner));
    const auto load = zt({"load_zone", file, "o.org"});
    ASSERT_EQ(load.status, 0) << load.err;
    EXPECT_EQ(sql_value("SELECT label FROM resource_records WHERE type = 'TXT'"),
              fmt::format("{0}.{0}.{0}.{0}", label));
    const auto show = zt({"show_zone", "o.org"});
    EXPECT_THAT(show.out, HasSubstr(fmt::format("{0}.{0}.{0}.{0}", label)));
}

TEST_F(ZoneLimitsDb, CommentsRoundTripExactlyThroughArraysAndCopy) {
    // Small ZIs are written with INSERT from arrays, big ones (500 records and more)
    // with COPY: both keep every character of a comment.
    const std::string odd = "tab\there \\N \\ \"quoted\" {braces}, NULL caf\xc3\xa9 \xe2\x82\xac";
    const std::string long_comment(100000, 'c');
    std::string body =
        std::string(head) + ";| " + long_comment + "\n;# " + odd + "\nx A 192.0.2.9\n";
    const auto small = m_dir.write("small.org", body);
    ASSERT_EQ(zt({"load_zone", small, "small.org"}).status, 0);
    body += "\n";
    for (int i = 0; i < 600; ++i) {
        body += fmt::format("h{} A 192.0.2.{}\n", i, i % 250 + 1);
    }
    const auto big = m_dir.write("big.org", body);
    const auto b = zt({"load_zone", big, "big.org"});
    ASSERT_EQ(b.status, 0) << b.err;
    EXPECT_EQ(sql_value("SELECT count(*) FROM rr_comments WHERE comment = '" + long_comment + "'"),
              "2");
    for (const auto* zone : {"small.org", "big.org"}) {
        const auto show = zt({"show_zone", zone});
        ASSERT_EQ(show.status, 0) << show.err;
        EXPECT_THAT(show.out, HasSubstr(";# " + odd + "\n")) << zone;
        EXPECT_THAT(show.out, HasSubstr(";| " + long_comment + "\n")) << zone;
    }
}

TEST_F(ZoneLimitsDb, TextTheDatabaseCannotKeepIsRefusedWithTheLine) {
    ASSERT_EQ(zt({"create_zone", "keep.org"}).status, 0);
    const auto before = snapshot();
    // A Latin-1 comment: the database refused it (exit 69, "invalid byte sequence").
    const auto latin1 = m_dir.write("l.org", std::string(head) + ";# caf\xe9\nx A 192.0.2.9\n");
    const auto l = zt({"load_zone", latin1, "l.org"});
    EXPECT_EQ(l.status, 65) << l.err;
    EXPECT_THAT(l.err, HasSubstr(latin1 + ":5: error: comment is not UTF-8 text (byte 0xe9"));
    // TTL text of 21 characters: the database refused it (varchar(20)).
    const auto ttl =
        m_dir.write("t.org", "$TTL 000000000000000000300\n@ SOA ns1 hm 1 2h 900 7d 1h\n@ NS ns1\n"
                             "ns1 A 192.0.2.1\n");
    const auto t = zt({"load_zone", ttl, "t.org"});
    EXPECT_EQ(t.status, 65) << t.err;
    EXPECT_THAT(t.err, HasSubstr(ttl + ":1: error: $TTL '000000000000000000300' is longer than 20 "
                                       "characters"));
    const auto soa =
        m_dir.write("s.org", "$TTL 300\n@ SOA ns1 hm 1 2h 000000000000000000900 7d 1h\n@ NS ns1\n"
                             "ns1 A 192.0.2.1\n");
    const auto s = zt({"load_zone", soa, "s.org"});
    EXPECT_EQ(s.status, 65) << s.err;
    EXPECT_THAT(s.err,
                HasSubstr(soa + ":2: error: SOA retry '000000000000000000900' is longer than "
                                "20 characters"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(ZoneLimitsDb, ConfigValuesTheDatabaseCannotKeepAreRefusedWithTheKey) {
    // A soa_refresh of 21 characters was accepted, then made every create_zone fail.
    const auto refresh = zt({"set_config", "soa_refresh", "000000000000000000001"});
    EXPECT_EQ(refresh.status, 65);
    EXPECT_THAT(refresh.err, HasSubstr("soa_refresh = '000000000000000000001': expected a time"));
    ASSERT_EQ(zt({"set_config", "soa_refresh", "00000000000000007200"}).status, 0);
    const auto create = zt({"create_zone", "after.org"});
    EXPECT_EQ(create.status, 0) << create.err;
    // Values beyond the column were refused by the database ("value too long", exit 69).
    const auto stype = zt({"set_config", "default_stype", std::string(2000, 'x')});
    EXPECT_EQ(stype.status, 65);
    EXPECT_THAT(stype.err, HasSubstr("default_stype = '" + std::string(2000, 'x') +
                                     "': 2000 characters, at most 1024"));
    EXPECT_THAT(zt({"set_config", "default_stype", "bindx"}).err,
                HasSubstr("expected a server type (bind9 or nsd3)"));
    EXPECT_EQ(zt({"set_config", "default_stype", "nsd3"}).status, 0);
    const auto age = zt({"set_config", "zi_max_age", std::string(400, '9')});
    EXPECT_EQ(age.status, 65);
    EXPECT_THAT(age.err, HasSubstr("expected days from 0 to 36500"));
    EXPECT_EQ(zt({"set_config", "zi_max_num", std::string(30, '9')}).status, 65);
    EXPECT_EQ(zt({"set_config", "zi_max_num", "999999999"}).status, 0);
    EXPECT_EQ(sql_value("SELECT string_agg(key || '=' || value, ' ' ORDER BY key) FROM zone_cfg "
                        "WHERE key IN ('default_stype', 'soa_refresh', 'zi_max_age', "
                        "'zi_max_num')"),
              "default_stype=nsd3 soa_refresh=00000000000000007200 zi_max_age=90.0 "
              "zi_max_num=999999999");
}

TEST_F(ZoneLimitsDb, ReferencesAtTheLimitAreStoredWhole) {
    const std::string ref = "R" + std::string(1023, 'r');
    const auto file = m_dir.write("ref.org", "$TTL 300\n;!REF:" + ref +
                                                 "\n@ SOA ns1 hm 1 2h 900 7d 1h\n@ NS ns1\n"
                                                 ";!REF:" +
                                                 ref + "\nns1 A 192.0.2.1\n");
    const auto load = zt({"load_zone", file, "ref.org"});
    ASSERT_EQ(load.status, 0) << load.err;
    EXPECT_EQ(sql_value("SELECT r.reference FROM sm_zone z JOIN reference r ON r.id = z.ref_id"),
              ref);
    EXPECT_EQ(sql_value("SELECT count(*) FROM resource_records rr JOIN reference r"
                        " ON r.id = rr.ref_id WHERE r.reference = '" +
                        ref + "'"),
              "1");
    const auto over = zt({"create_zone", "-r", ref + "r", "over.org"});
    EXPECT_EQ(over.status, 65);
    EXPECT_THAT(over.err, HasSubstr("at most 1024"));
}

TEST_F(ZoneLimitsDb, NamesOfServerGroupsServersAndTagsAtTheLimitAreKept) {
    // Checked before the database: its varchar columns would refuse longer ones
    // without saying which value.
    const std::string sg(60, 'g');
    ASSERT_EQ(zt({"create_sg", sg}).status, 0);
    EXPECT_THAT(zt({"create_sg", sg + "g"}).err, HasSubstr("at most 60"));
    const std::string server(255, 's');
    const auto created = zt({"create_server", "-g", sg, server, "192.0.2.77"});
    ASSERT_EQ(created.status, 0) << created.err;
    EXPECT_THAT(zt({"create_server", "-g", sg, server + "s", "192.0.2.78"}).err,
                HasSubstr("at most 255"));
    const std::string tag(60, 't');
    ASSERT_EQ(zt({"create_sectag", tag}).status, 0);
    EXPECT_THAT(zt({"create_sectag", tag + "t"}).err, HasSubstr("at most 60"));
    EXPECT_EQ(sql_value("SELECT count(*) FROM server_groups WHERE name = '" + sg + "'"), "1");
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_servers WHERE name = '" + server + "'"), "1");
    EXPECT_EQ(sql_value("SELECT count(*) FROM zone_sectags WHERE sectag = '" + tag + "'"), "1");
}

TEST_F(ZoneLimitsDb, DiffOfBigZonesIsWhole) {
    // Two zones of 150,000 records whose every record differs: a diff of about 20 MB.
    // diff_zones printed only its first 16 MB, without a word.
    std::string a = std::string(head);
    std::string b = std::string(head);
    for (int i = 0; i < 150000; ++i) {
        a += fmt::format("h{:06} TXT \"first-version-of-this-record-{:06}\"\n", i, i);
        b += fmt::format("h{:06} TXT \"second-version-of-this-record-{:06}\"\n", i, i);
    }
    ASSERT_EQ(zt({"load_zone", m_dir.write("a.big", a), "a.big"}).status, 0);
    ASSERT_EQ(zt({"load_zone", m_dir.write("b.big", b), "b.big"}).status, 0);
    const auto d = zt({"diff_zones", "a.big", "b.big"});
    ASSERT_EQ(d.status, 0) << d.err;
    EXPECT_GT(d.out.size(), std::size_t{16} << 20);
    // The last record of each side, removed and added (the print pads the columns).
    const auto last = [&](const std::string& sign, const std::string& version) {
        const auto at = d.out.find("\n" + sign + "h149999 ");
        return at != std::string::npos &&
               d.out.find("\"" + version + "-version-of-this-record-149999\"\n", at) !=
                   std::string::npos;
    };
    EXPECT_TRUE(last("-", "first"));
    EXPECT_TRUE(last("+", "second"));
}

} // namespace
} // namespace dms::test
