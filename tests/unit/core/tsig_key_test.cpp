// SPDX-License-Identifier: GPL-3.0-or-later
// TSIG key files (BIND syntax) and key generation; the value helpers of the client.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/error.hpp"

namespace dms::dns {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::string_view secret = "0GOyLQh9AZxvcO299BSHZVSTX/BKbsEFWwHyibtMlaI=";

std::string key_text(std::string_view name = "update-ddns", std::string_view alg = "hmac-sha256") {
    return "key \"" + std::string(name) + "\" {\n\talgorithm " + std::string(alg) +
           ";\n\tsecret \"" + std::string(secret) + "\";\n};\n";
}

/// The ConfigError message for `text`, or "" if it parsed.
std::string parse_error(const std::string& text,
                        std::optional<std::string_view> name = std::nullopt) {
    try {
        (void)parse_tsig_key(text, "keys.conf", name);
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.code(), ErrorCode::config);
        return e.what();
    }
    return {};
}

/// Base64 decoded length of a padded string.
std::size_t decoded_size(std::string_view b64) {
    std::size_t pad = 0;
    while (!b64.empty() && b64.back() == '=') {
        ++pad;
        b64.remove_suffix(1);
    }
    return (b64.size() + pad) / 4 * 3 - pad;
}

TEST(TsigKey, ParsesBindKeyFile) {
    const auto k = parse_tsig_key(key_text(), "keys.conf");
    EXPECT_EQ(k.name, "update-ddns");
    EXPECT_EQ(k.algorithm, "hmac-sha256");
    EXPECT_EQ(k.secret, secret);
}

TEST(TsigKey, UnquotedNameCommentsAndLayout) {
    const std::string text = "# a key for updates\n"
                             "// written by hand\n"
                             "/* several\n   lines */ key\n  dyn.example. {  # trailing\n"
                             "algorithm HMAC-SHA512; // upper case is fine\n"
                             "secret \"" +
                             std::string(secret) + "\" ; } ;\n";
    const auto k = parse_tsig_key(text, "keys.conf");
    EXPECT_EQ(k.name, "dyn.example.");
    EXPECT_EQ(k.algorithm, "hmac-sha512");
    EXPECT_EQ(k.secret, secret);
}

TEST(TsigKey, LongMd5NameAndEveryAlgorithm) {
    EXPECT_EQ(parse_tsig_key(key_text("k", "hmac-md5.sig-alg.reg.int"), "f").algorithm, "hmac-md5");
    for (const auto& alg : tsig_algorithms()) {
        EXPECT_EQ(parse_tsig_key(key_text("k", alg), "f").algorithm, alg);
    }
    EXPECT_EQ(tsig_algorithms().size(), 6U);
}

TEST(TsigKey, PicksNamedKeyAmongSeveral) {
    const auto text = key_text("first", "hmac-sha1") + "options { default-key \"first\"; };\n" +
                      key_text("second", "hmac-sha384");
    EXPECT_EQ(parse_tsig_key(text, "f").name, "first");
    const auto second = parse_tsig_key(text, "f", "second");
    EXPECT_EQ(second.name, "second");
    EXPECT_EQ(second.algorithm, "hmac-sha384");
    // Key names compare as domain names: case and a trailing dot do not matter.
    EXPECT_EQ(parse_tsig_key(text, "f", "SECOND.").name, "second");
    EXPECT_THAT(parse_error(text, "third"), StartsWith("keys.conf:10: no key named third"));
}

TEST(TsigKey, ErrorsNameSourceAndLine) {
    EXPECT_THAT(parse_error(""), StartsWith("keys.conf:1: no key statement"));
    EXPECT_THAT(parse_error("# only a comment\n\n"), StartsWith("keys.conf:3: no key statement"));
    const auto no_semi =
        "key \"k\" {\n\talgorithm hmac-sha256\n\tsecret \"" + std::string(secret) + "\";\n};\n";
    EXPECT_THAT(parse_error(no_semi), StartsWith("keys.conf:3: expected ';' after the algorithm"));
    const auto no_semi_secret =
        "key \"k\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + std::string(secret) + "\"\n};\n";
    EXPECT_THAT(parse_error(no_semi_secret),
                StartsWith("keys.conf:4: expected ';' after the secret"));
    EXPECT_THAT(parse_error(key_text("k") + "key \"x\" { algorithm hmac-sha1; };", "x"),
                StartsWith("keys.conf:5: key x has no secret"));
    EXPECT_THAT(parse_error(key_text("k", "hmac-sha3")),
                StartsWith("keys.conf:2: unknown algorithm 'hmac-sha3' in key k"));
    EXPECT_THAT(parse_error("key k {\nalgorithm hmac-sha1;\nsecret \"abc!\";\n};"),
                StartsWith("keys.conf:3: secret of key k is not valid base64"));
    EXPECT_THAT(parse_error("key k {\nalgorithm hmac-sha1;\nsecret \"abcde\";\n};"),
                StartsWith("keys.conf:3: secret of key k is not valid base64"));
    EXPECT_THAT(parse_error("key k {\nalgorithm hmac-sha1;\nsecret \"\";\n};"),
                HasSubstr("not valid base64"));
    EXPECT_THAT(parse_error("key k { algorithm hmac-sha1;\n\n bogus 1; };"),
                StartsWith("keys.conf:3: unknown option in key k"));
    EXPECT_THAT(parse_error("/* never closed\nkey k {};"),
                StartsWith("keys.conf:1: unterminated /* comment"));
    EXPECT_THAT(parse_error("key \"k {\n};"),
                StartsWith("keys.conf:1: unterminated quoted string"));
    EXPECT_THAT(parse_error("key k {\nalgorithm hmac-sha1; algorithm hmac-md5; };"),
                StartsWith("keys.conf:2: algorithm given twice in key k"));
    EXPECT_THAT(
        parse_error("key k { algorithm hmac-md5; secret \"" + std::string(secret) + "\"; }"),
        StartsWith("keys.conf:1: expected ';' after the closing '}' of key k"));
}

TEST(TsigKey, ErrorsNeverQuoteTheSecret) {
    const std::string s(secret);
    const std::vector<std::string> bad = {
        "key k { algorithm hmac-sha3; secret \"" + s + "\"; };",
        "key k { algorithm hmac-sha256 secret \"" + s + "\"; };",
        "key k { algorithm hmac-sha256; secret \"" + s + "\" };",
        "key k { algorithm hmac-sha256; secret \"" + s + "\" \"" + s + "\"; };",
        "key k { algorithm hmac-sha256; " + s + "; };",
        "key k { algorithm hmac-sha256; secret \"" + s + "!\"; };",
        "key k { secret \"" + s + "\"; secret \"" + s + "\"; };",
        "key k { secret " + s + "; }",
        "\"" + s + "\";",
        "key k { secret \"" + s + "\"; };",
    };
    for (const auto& text : bad) {
        const auto e = parse_error(text);
        EXPECT_FALSE(e.empty()) << text;
        EXPECT_THAT(e, Not(HasSubstr(s.substr(0, 12)))) << text;
    }
}

TEST(TsigKey, ReadsFilesAndNamesUnreadableOnes) {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("dms-tsig-test-" + std::to_string(::getpid()) + ".key"))
                          .string();
    {
        std::ofstream out(path);
        out << key_text("a") << key_text("b", "hmac-md5");
    }
    EXPECT_EQ(read_tsig_key_file(path).name, "a");
    EXPECT_EQ(read_tsig_key_file(path, "b").algorithm, "hmac-md5");
    try {
        (void)read_tsig_key_file(path, "c");
        ADD_FAILURE() << "no exception";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), StartsWith(path + ":9: no key named c"));
    }
    std::filesystem::remove(path);
    try {
        (void)read_tsig_key_file(path);
        ADD_FAILURE() << "no exception";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), StartsWith(path + ": cannot read key file"));
    }
}

TEST(TsigKey, GeneratedKeysParseBackWithTheDigestSize) {
    const std::map<std::string, std::size_t> bytes = {{"hmac-md5", 16},    {"hmac-sha1", 20},
                                                      {"hmac-sha224", 28}, {"hmac-sha256", 32},
                                                      {"hmac-sha384", 48}, {"hmac-sha512", 64}};
    for (const auto& [alg, size] : bytes) {
        const auto text = generate_tsig_key_text("gen-key", alg);
        const auto k = parse_tsig_key(text, "generated");
        EXPECT_EQ(k.name, "gen-key");
        EXPECT_EQ(k.algorithm, alg);
        EXPECT_EQ(decoded_size(k.secret), size) << alg;
    }
    // tsig-keygen's layout.
    const auto text = generate_tsig_key_text("x", "hmac-sha256");
    EXPECT_THAT(text, StartsWith("key \"x\" {\n\talgorithm hmac-sha256;\n\tsecret \""));
    EXPECT_THAT(text, ::testing::EndsWith("\";\n};\n"));
}

TEST(TsigKey, GeneratedSecretsDiffer) {
    std::set<std::string> secrets;
    for (int i = 0; i < 20; ++i) {
        secrets.insert(parse_tsig_key(generate_tsig_key_text("k", "hmac-sha256"), "g").secret);
    }
    EXPECT_EQ(secrets.size(), 20U);
}

TEST(TsigKey, GenerateRefusesBadArguments) {
    EXPECT_THROW((void)generate_tsig_key_text("k", "hmac-sha3"), Error);
    EXPECT_THROW((void)generate_tsig_key_text("", "hmac-sha256"), Error);
    EXPECT_THROW((void)generate_tsig_key_text("a\"b", "hmac-sha256"), Error);
    try {
        (void)generate_tsig_key_text("k", "rsa");
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::usage);
    }
}

TEST(DnsValues, RcodeAndStatusNames) {
    EXPECT_EQ(rcode_name(0), "NOERROR");
    EXPECT_EQ(rcode_name(5), "REFUSED");
    EXPECT_EQ(rcode_name(8), "NXRRSET");
    EXPECT_EQ(rcode_name(9), "NOTAUTH");
    EXPECT_EQ(rcode_name(10), "NOTZONE");
    EXPECT_EQ(rcode_name(16), "BADSIG");
    EXPECT_EQ(rcode_name(18), "BADTIME");
    EXPECT_EQ(rcode_name(12), "RCODE12");
    EXPECT_EQ(rcode_name(4000), "RCODE4000");
    EXPECT_EQ(rcode_name(-1), "RCODE-1");
    EXPECT_EQ(to_string(Status::answered), "answered");
    EXPECT_EQ(to_string(Status::timeout), "timeout");
    EXPECT_EQ(to_string(Status::unreachable), "unreachable");
    EXPECT_EQ(to_string(Status::malformed), "malformed");
    const Record r{"www.example.org.", 300, "MX", "10 mail.example.org."};
    EXPECT_EQ(r.text(), "www.example.org. 300 IN MX 10 mail.example.org.");
}

} // namespace
} // namespace dms::dns
