// SPDX-License-Identifier: GPL-3.0-or-later
// The DNS client against a real named (NamedFixture), and against small fake
// servers for the failures named does not produce (silence, garbage).
#include <algorithm>
#include <arpa/inet.h>
#include <functional>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/error.hpp"
#include "dms/core/zone_text.hpp"

#include "named_fixture.hpp"

namespace dms::dns {

/// Statuses by name in assertion messages.
void PrintTo(Status s, std::ostream* os) {
    *os << to_string(s);
}

namespace {

using namespace std::chrono_literals;
using test::NamedFixture;
using ::testing::HasSubstr;

constexpr auto timeout = 5s;
const std::string zone = "example.test.";

// Every type the task names, and a few whose presentation is less plain.
const std::string zone_text = R"($TTL 3600
@ IN SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 900 1209600 300
@ IN NS ns1
@ IN NS ns2.Example.NET.
@ IN MX 10 mail
@ IN TXT "v=spf1 -all"
@ IN CAA 0 issue "ca.example.net"
ns1 IN A 192.0.2.1
mail 300 IN A 192.0.2.25
www IN A 192.0.2.80
www IN AAAA 2001:DB8:0:0::80
Txt.Sub IN TXT "two" "strings; with \"quotes\""
_sip._tcp IN SRV 10 60 5060 SIP.example.test.
alias IN CNAME www
hinfo IN HINFO "PC" "Linux"
ssh IN SSHFP 1 1 0123456789abcdef0123456789abcdef01234567
naptr IN NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.test!" .
unknown IN TYPE65534 \# 3 010203
)";

/// "owner TYPE rdata" of every record of a zone text, the SOA written as named
/// would send it (the file uses plain numbers for the SOA timers).
std::multiset<std::string> parsed_records(const std::string& text, const std::string& name) {
    ParseOptions options;
    options.zone_name = name;
    const auto parsed = parse_zone_text(text, options);
    EXPECT_TRUE(parsed.ok()) << format_findings("zone", parsed.findings);
    const auto& s = parsed.zone.soa;
    std::multiset<std::string> out{fmt::format("{} SOA {} {} {} {} {} {} {}", name, s.mname,
                                               s.rname, s.serial, s.refresh, s.retry, s.expire,
                                               s.minimum)};
    for (const auto& g : parsed.zone.groups) {
        for (const auto& rr : g.rrs) {
            const auto owner = rr.label == "@" ? name : rr.label + "." + name;
            out.insert(owner + " " + rr.type + " " + rr.rdata);
        }
    }
    return out;
}

std::string key(const Record& r) {
    return r.owner + " " + r.type + " " + r.rdata;
}

std::multiset<std::string> keys_of(const std::vector<Record>& records) {
    std::multiset<std::string> out;
    for (const auto& r : records) {
        out.insert(key(r));
    }
    return out;
}

class DnsClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        DMS_REQUIRE_NAMED();
        m_named.write("example.test.zone", zone_text);
        m_named.write("closed.test.zone", zone_text);
        std::string big = "$TTL 600\n@ IN SOA ns.big.test. h.big.test. 7 3600 600 86400 60\n"
                          "@ IN NS ns\nns IN A 192.0.2.53\n";
        big += "$GENERATE 1-3000 host$ IN TXT \"record-$-of-a-zone-too-large-for-one-message\"\n";
        m_named.write("big.test.zone", big);
        m_big_text = big;
        test::NamedOptions options;
        options.extra_config = R"(
zone "example.test" { type primary; file "example.test.zone";
    update-policy { grant update-ddns zonesub any; }; };
zone "big.test" { type primary; file "big.test.zone"; };
zone "closed.test" { type primary; file "closed.test.zone"; allow-transfer { none; }; };
)";
        options.wait_zones = {"example.test.", "big.test.", "closed.test."};
        ASSERT_TRUE(m_named.start(options));
    }

    std::vector<Record> transfer(const std::optional<TsigKey>& key = std::nullopt) {
        auto r = axfr(m_named.server(), zone, key, timeout);
        EXPECT_EQ(r.status, Status::answered) << r.error;
        EXPECT_EQ(r.rcode, 0) << r.error;
        return r.records;
    }

    /// The update key's name with a secret named does not know.
    TsigKey wrong_secret() const {
        auto k = parse_tsig_key(generate_tsig_key_text("update-ddns", "hmac-sha256"), "gen");
        EXPECT_NE(k.secret, m_named.update_key().secret);
        return k;
    }

    NamedFixture m_named;
    std::string m_big_text;
};

TEST_F(DnsClientTest, SoaIsAnsweredAuthoritativelyWithTheFileSerial) {
    for (const bool tcp : {true, false}) {
        const auto r = query_soa(m_named.server(), "Example.Test", timeout, tcp);
        EXPECT_EQ(r.status, Status::answered) << r.error;
        EXPECT_EQ(r.rcode, 0);
        EXPECT_TRUE(r.authoritative);
        EXPECT_FALSE(r.answer_empty);
        EXPECT_EQ(r.serial, 2024010101U);
        EXPECT_EQ(r.error, "");
        EXPECT_LT(r.rtt, timeout);
    }
}

TEST_F(DnsClientTest, SoaOfAnUnknownZoneIsRefused) {
    const auto r = query_soa(m_named.server(), "other.test.", timeout);
    EXPECT_EQ(r.status, Status::answered);
    EXPECT_EQ(r.rcode, 5) << rcode_name(r.rcode);
    EXPECT_FALSE(r.authoritative);
    EXPECT_TRUE(r.answer_empty);
    EXPECT_FALSE(r.serial);
    EXPECT_EQ(r.error, fmt::format("127.0.0.1:{} other.test. SOA: REFUSED", m_named.port()));
}

TEST_F(DnsClientTest, AxfrGivesEveryRecordAsTheZoneParserReadsIt) {
    const auto records = transfer();
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.front().type, "SOA");
    EXPECT_EQ(records.front().owner, zone);
    EXPECT_EQ(std::count_if(records.begin(), records.end(),
                            [](const Record& r) { return r.type == "SOA"; }),
              1);
    EXPECT_EQ(keys_of(records), parsed_records(zone_text, zone));
    const auto mail = std::find_if(records.begin(), records.end(),
                                   [](const Record& r) { return r.owner == "mail.example.test."; });
    ASSERT_NE(mail, records.end());
    EXPECT_EQ(mail->ttl, 300U);
    EXPECT_EQ(mail->text(), "mail.example.test. 300 IN A 192.0.2.25");
}

TEST_F(DnsClientTest, AxfrSkipDropsTypes) {
    const auto r = axfr(m_named.server(), zone, std::nullopt, timeout, {"TXT", "aaaa"});
    ASSERT_EQ(r.status, Status::answered) << r.error;
    auto expected = parsed_records(zone_text, zone);
    std::erase_if(expected, [](const std::string& k) {
        return k.find(" TXT ") != std::string::npos || k.find(" AAAA ") != std::string::npos;
    });
    EXPECT_EQ(keys_of(r.records), expected);
}

TEST_F(DnsClientTest, SignedAxfrOfSeveralMessagesVerifies) {
    // 3000 TXT records do not fit one 64 KB message: the TSIG of every later
    // message chains on the one before (RFC 8945 5.3.1).
    const auto records = transfer(m_named.update_key());
    EXPECT_EQ(records.size(), parsed_records(zone_text, zone).size());
    const auto big = axfr(m_named.server(), "big.test", m_named.update_key(), timeout);
    ASSERT_EQ(big.status, Status::answered) << big.error;
    EXPECT_EQ(big.records.size(), 3003U);
    EXPECT_EQ(keys_of(big.records), parsed_records(m_big_text, "big.test."));
}

TEST_F(DnsClientTest, RefusedTransfersAreAnsweredWithTheirRcode) {
    // BIND 9.18: REFUSED where allow-transfer says no; NOTAUTH for a zone it does
    // not serve; NOTAUTH with TSIG error BADSIG for a request signed with the
    // wrong secret (that reply is unsigned, RFC 8945 5.3.2).
    const auto closed = axfr(m_named.server(), "closed.test.", std::nullopt, timeout);
    EXPECT_EQ(closed.status, Status::answered);
    EXPECT_EQ(rcode_name(closed.rcode), "REFUSED") << closed.error;
    EXPECT_TRUE(closed.records.empty());
    EXPECT_THAT(closed.error, HasSubstr("closed.test. AXFR: REFUSED"));
    const auto unknown = axfr(m_named.server(), "other.test.", std::nullopt, timeout);
    EXPECT_EQ(unknown.status, Status::answered);
    EXPECT_EQ(rcode_name(unknown.rcode), "NOTAUTH") << unknown.error;
    const auto bad_key = axfr(m_named.server(), zone, wrong_secret(), timeout);
    EXPECT_EQ(bad_key.status, Status::answered);
    EXPECT_EQ(rcode_name(bad_key.rcode), "NOTAUTH") << bad_key.error;
    EXPECT_THAT(bad_key.error, HasSubstr("BADSIG"));
    EXPECT_TRUE(bad_key.records.empty());
}

TEST_F(DnsClientTest, UpdateAddsDeletesAndReplacesTheSoa) {
    const auto before = transfer();
    ASSERT_FALSE(before.empty());
    const Record old_soa = before.front();
    Record new_soa = old_soa;
    new_soa.rdata = "ns1.example.test. hostmaster.example.test. 2024010102 7200 900 1209600 300";
    const Record added{"new.example.test.", 600, "A", "192.0.2.99"};
    const Record removed{"www.example.test.", 3600, "AAAA", "2001:db8::80"};
    Update u{zone, {old_soa}, {}, {removed}, {added, new_soa}};
    const auto r = send_update(m_named.server(), u, m_named.update_key(), timeout);
    ASSERT_EQ(r.status, Status::answered) << r.error;
    EXPECT_EQ(rcode_name(r.rcode), "NOERROR") << r.error;
    EXPECT_EQ(r.error, "");

    auto expected = keys_of(before);
    ASSERT_EQ(expected.erase(key(removed)), 1U);
    ASSERT_EQ(expected.erase(key(old_soa)), 1U);
    expected.insert(key(added));
    expected.insert(key(new_soa));
    const auto after = transfer();
    EXPECT_EQ(keys_of(after), expected);
    EXPECT_EQ(after.front().rdata, new_soa.rdata);
    EXPECT_EQ(query_soa(m_named.server(), zone, timeout).serial, 2024010102U);
}

TEST_F(DnsClientTest, UpdateCarriesRecordsAtTheSizeLimitWhole) {
    // "t.example.test." is 16 octets: a TXT of 64,974 octets makes a record of exactly
    // max_record_octets; it goes into a signed update beside two SOAs and comes back
    // whole in the zone transfer. A TXT of 72,900 characters of text (300 strings of
    // 60 escaped octets) was cut to its first 65,534 characters by ldns.
    std::string at_limit;
    for (int i = 0; i < 253; ++i) {
        at_limit += "\"" + std::string(255, 'a') + "\" ";
    }
    at_limit += "\"" + std::string(205, 'b') + "\"";
    std::string escaped;
    for (int i = 0; i < 300; ++i) {
        escaped += i == 0 ? "\"" : " \"";
        for (int k = 0; k < 60; ++k) {
            escaped += "\\255";
        }
        escaped += '"';
    }
    const auto before = transfer();
    ASSERT_FALSE(before.empty());
    Record new_soa = before.front();
    new_soa.rdata = "ns1.example.test. hostmaster.example.test. 2024010102 7200 900 1209600 300";
    const Record big{"t.example.test.", 600, "TXT", at_limit};
    const Record long_text{"e.example.test.", 600, "TXT", escaped};
    Record soa = before.front();
    int serial = 2024010101;
    for (const auto& add : {big, long_text}) {
        Record next = soa;
        next.rdata = fmt::format("ns1.example.test. hostmaster.example.test. {} 7200 900 1209600 "
                                 "300",
                                 ++serial);
        Update u{zone, {soa}, {}, {}, {add, next}};
        const auto r = send_update(m_named.server(), u, m_named.update_key(), timeout);
        ASSERT_EQ(r.status, Status::answered) << r.error;
        EXPECT_EQ(rcode_name(r.rcode), "NOERROR") << r.error;
        soa = next;
    }
    const auto after = keys_of(transfer());
    EXPECT_EQ(after.count(key(big)), 1U);
    EXPECT_EQ(after.count(key(long_text)), 1U);

    // One octet more is refused before anything is sent.
    const Record over{"t.example.test.", 600, "TXT", at_limit + " \"\""};
    try {
        (void)send_update(m_named.server(), Update{zone, {soa}, {}, {}, {over}},
                          m_named.update_key(), timeout);
        ADD_FAILURE() << "an update with a record of 65,001 octets was sent";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("the record takes 65001 octets"));
    }
    // Both records in one update make a message above 65,535 octets: ldns aborted the
    // process while signing it; now the update is refused.
    try {
        (void)send_update(m_named.server(), Update{zone, {soa}, {}, {big, long_text}, {}},
                          m_named.update_key(), timeout);
        ADD_FAILURE() << "an update above 65,535 octets was sent";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("with its TSIG is above the limit of 65535"));
    }
}

TEST_F(DnsClientTest, AddFirstReplacesEveryApexNs) {
    // named ignores the deletion of a zone's last apex NS (RFC 2136 3.4.2.4): the new
    // ones must be added before the old ones go, which is what add_first is for.
    const auto before = transfer();
    std::vector<Record> old_ns;
    for (const auto& r : before) {
        if (r.type == "NS" && r.owner == zone) {
            old_ns.push_back(r);
        }
    }
    ASSERT_EQ(old_ns.size(), 2U);
    const Record ns_a{zone, 3600, "NS", "ns-a.example.net."};
    const Record ns_b{zone, 3600, "NS", "ns-b.example.net."};
    const Update u{zone, {before.front()}, {ns_a, ns_b}, old_ns, {}};
    const auto r = send_update(m_named.server(), u, m_named.update_key(), timeout);
    ASSERT_EQ(r.status, Status::answered) << r.error;
    ASSERT_EQ(rcode_name(r.rcode), "NOERROR") << r.error;
    std::set<std::string> ns_after;
    for (const auto& rec : transfer()) {
        if (rec.type == "NS" && rec.owner == zone) {
            ns_after.insert(rec.rdata);
        }
    }
    EXPECT_EQ(ns_after, (std::set<std::string>{"ns-a.example.net.", "ns-b.example.net."}));
}

TEST_F(DnsClientTest, UpdateWithAStaleSoaIsNxrrsetAndChangesNothing) {
    const auto before = transfer();
    ASSERT_FALSE(before.empty());
    Record stale = before.front();
    stale.rdata = "ns1.example.test. hostmaster.example.test. 2024010100 7200 900 1209600 300";
    const Update u{zone, {stale}, {}, {}, {{"new.example.test.", 600, "A", "192.0.2.99"}}};
    const auto r = send_update(m_named.server(), u, m_named.update_key(), timeout);
    EXPECT_EQ(r.status, Status::answered) << r.error;
    EXPECT_EQ(rcode_name(r.rcode), "NXRRSET");
    EXPECT_THAT(r.error, HasSubstr("example.test. UPDATE: NXRRSET"));
    EXPECT_EQ(keys_of(transfer()), keys_of(before));
}

TEST_F(DnsClientTest, UpdateWithAWrongSecretIsNotauthAndChangesNothing) {
    // BIND 9.18 answers NOTAUTH with TSIG error BADSIG, unsigned; an unknown key
    // name gets NOTAUTH with BADKEY.
    const auto before = transfer();
    const Update u{zone, {}, {}, {}, {{"new.example.test.", 600, "A", "192.0.2.99"}}};
    const auto wrong = wrong_secret();
    const auto r = send_update(m_named.server(), u, wrong, timeout);
    EXPECT_EQ(r.status, Status::answered) << r.error;
    EXPECT_EQ(rcode_name(r.rcode), "NOTAUTH");
    EXPECT_THAT(r.error, HasSubstr("TSIG error BADSIG"));
    EXPECT_THAT(r.error, ::testing::Not(HasSubstr(wrong.secret)));
    TsigKey unknown = m_named.update_key();
    unknown.name = "no-such-key";
    const auto k = send_update(m_named.server(), u, unknown, timeout);
    EXPECT_EQ(k.status, Status::answered) << k.error;
    EXPECT_EQ(rcode_name(k.rcode), "NOTAUTH");
    EXPECT_THAT(k.error, HasSubstr("TSIG error BADKEY"));
    EXPECT_EQ(keys_of(transfer()), keys_of(before));
}

TEST_F(DnsClientTest, StoppedNamedIsUnreachableAndRestartsOnItsPorts) {
    ASSERT_TRUE(m_named.rndc({"status"}).ok()) << m_named.rndc({"status"}).err;
    m_named.stop();
    EXPECT_FALSE(m_named.running());
    const auto soa = query_soa(m_named.server(), zone, timeout);
    EXPECT_EQ(soa.status, Status::unreachable) << soa.error;
    EXPECT_EQ(axfr(m_named.server(), zone, std::nullopt, timeout).status, Status::unreachable);
    const Update u{zone, {}, {}, {}, {{"new.example.test.", 600, "A", "192.0.2.99"}}};
    EXPECT_EQ(send_update(m_named.server(), u, m_named.update_key(), timeout).status,
              Status::unreachable);
    ASSERT_TRUE(m_named.restart());
    EXPECT_EQ(query_soa(m_named.server(), zone, timeout).serial, 2024010101U);
    const auto status = m_named.rndc({"status"});
    EXPECT_TRUE(status.ok()) << status.err;
    EXPECT_THAT(status.out, HasSubstr("server is up and running"));
}

TEST_F(DnsClientTest, BadArgumentsThrowUsage) {
    try {
        (void)query_soa(m_named.server(), "bad..name", timeout);
        ADD_FAILURE() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::usage);
        EXPECT_THAT(e.what(), HasSubstr("bad..name"));
    }
    const Update u{zone, {}, {}, {}, {{"x.example.test.", 60, "A", "not-an-address"}}};
    try {
        (void)send_update(m_named.server(), u, m_named.update_key(), timeout);
        ADD_FAILURE() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::usage);
        EXPECT_THAT(e.what(), HasSubstr("x.example.test. 60 IN A not-an-address"));
    }
    TsigKey sha384 = m_named.update_key();
    sha384.algorithm = "hmac-sha384"; // ldns 1.8 cannot compute it
    EXPECT_THROW((void)send_update(m_named.server(), u, sha384, timeout), Error);
    EXPECT_THROW((void)query_soa({"localhost", 53}, zone, timeout), Error);
}

/// A TCP server on 127.0.0.1 that accepts one connection, reads the query and
/// answers with `reply(query)` (nothing: closes at once).
class FakeServer {
public:
    explicit FakeServer(std::function<std::string(const std::string&)> reply)
        : m_fd(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        EXPECT_EQ(::bind(m_fd, reinterpret_cast<sockaddr*>(&a), len), 0);
        EXPECT_EQ(::listen(m_fd, 4), 0);
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        if (reply) {
            m_thread = std::thread([this, reply] {
                const int c = ::accept(m_fd, nullptr, nullptr);
                std::string query(65537, '\0');
                const auto n = ::recv(c, query.data(), query.size(), 0);
                query.resize(n > 2 ? static_cast<std::size_t>(n) : 0);
                const auto out = reply(query.empty() ? query : query.substr(2));
                (void)!::send(c, out.data(), out.size(), MSG_NOSIGNAL);
                ::close(c);
            });
        }
    }
    ~FakeServer() {
        if (m_thread.joinable()) {
            m_thread.join();
        }
        ::close(m_fd);
    }
    Server server() const { return {"127.0.0.1", m_port}; }

private:
    int m_fd;
    int m_port = 0;
    std::thread m_thread;
};

std::string framed(const std::string& msg) {
    return std::string{static_cast<char>(msg.size() >> 8), static_cast<char>(msg.size() & 0xff)} +
           msg;
}

TEST(DnsClientFailures, NothingListeningIsUnreachable) {
    const Server s{"127.0.0.1", test::free_port()};
    for (const bool tcp : {true, false}) {
        const auto r = query_soa(s, zone, 2s, tcp);
        EXPECT_EQ(r.status, Status::unreachable) << r.error;
        EXPECT_EQ(r.error, fmt::format("127.0.0.1:{} example.test. SOA: {}: Connection refused",
                                       s.port, tcp ? "connect" : "recv"));
    }
    EXPECT_EQ(axfr(s, zone, std::nullopt, 2s).status, Status::unreachable);
}

TEST(DnsClientFailures, SilentServerTimesOut) {
    const FakeServer silent(nullptr); // listens, never accepts: the kernel completes connects
    const auto r = query_soa(silent.server(), zone, 300ms);
    EXPECT_EQ(r.status, Status::timeout) << r.error;
    EXPECT_THAT(r.error, HasSubstr("no complete reply within the timeout"));
    EXPECT_EQ(axfr(silent.server(), zone, std::nullopt, 300ms).status, Status::timeout);
}

TEST(DnsClientFailures, GarbageAndMismatchedRepliesAreMalformed) {
    {
        const FakeServer junk([](const std::string&) { return framed("hello"); });
        const auto r = query_soa(junk.server(), zone, 2s);
        EXPECT_EQ(r.status, Status::malformed) << r.error;
        EXPECT_THAT(r.error, HasSubstr("unreadable reply"));
    }
    {
        // A well-formed header with QR set but another ID.
        const FakeServer other_id([](const std::string& q) {
            std::string h = q.substr(0, 12);
            h[0] = static_cast<char>(~h[0]);
            h[2] = static_cast<char>(0x84);
            h.replace(4, 8, std::string(8, '\0'));
            return framed(h);
        });
        const auto r = query_soa(other_id.server(), zone, 2s);
        EXPECT_EQ(r.status, Status::malformed) << r.error;
        EXPECT_THAT(r.error, HasSubstr("does not match the query"));
    }
    {
        const FakeServer hang_up([](const std::string&) { return std::string(); });
        const auto r = axfr(hang_up.server(), zone, std::nullopt, 2s);
        EXPECT_EQ(r.status, Status::malformed) << r.error;
        EXPECT_THAT(r.error, HasSubstr("connection closed by the server"));
    }
}

} // namespace
} // namespace dms::dns
