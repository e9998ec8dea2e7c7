// SPDX-License-Identifier: GPL-3.0-or-later
// Key tags and DS records (dms/core/dnssec.hpp) against the examples of RFC 6605 6.1
// and 6.2 (ECDSA P-256 with a SHA-256 DS, P-384 with a SHA-384 DS), and bad input.
// tests/unit/core/dnssec_named_test.cpp compares with BIND's dnssec-dsfromkey.
#include <gtest/gtest.h>

#include "dms/core/dnssec.hpp"
#include "dms/core/error.hpp"

namespace dms::dnssec {
namespace {

// RFC 6605 6.1: example.net. DNSKEY 257 3 13, DS 55648 13 2.
constexpr std::string_view p256_key = "257 3 13 ( GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb\n"
                                      "           krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA== )";
// RFC 6605 6.2: example.net. DNSKEY 257 3 14, DS 10771 14 4.
constexpr std::string_view p384_key = "257 3 14 ( xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1\n"
                                      "           w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8\n"
                                      "           /uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40 )";

TEST(Dnssec, Rfc6605P256KeyTagAndSha256Ds) {
    const auto key = parse_dnskey(p256_key);
    EXPECT_EQ(key.flags, 257);
    EXPECT_TRUE(key.sep());
    EXPECT_EQ(key.algorithm, 13);
    EXPECT_EQ(key.public_key.size(), 64U);
    EXPECT_EQ(key_tag(key), 55648);
    const auto ds = make_ds("example.net.", key, DigestType::sha256);
    EXPECT_EQ(ds.rdata(),
              "55648 13 2 B4C8C1FE2E7477127B27115656AD6256F424625BF5C1E2770CE6D6E37DF61D17");
}

TEST(Dnssec, Rfc6605P384KeyTagAndSha384Ds) {
    const auto key = parse_dnskey(p384_key);
    EXPECT_EQ(key.public_key.size(), 96U);
    EXPECT_EQ(key_tag(key), 10771);
    const auto ds = make_ds("example.net", key, DigestType::sha384);
    EXPECT_EQ(ds.rdata(), "10771 14 4 72D7B62976CE06438E9C0BF319013CF801F09ECC84B8D7E9495F27E3"
                          "05C6A9B0563A9B5F4D288405C3008A946DF983D6");
}

TEST(Dnssec, TheOwnerIsCanonicalLowerCase) {
    const auto key = parse_dnskey(p256_key);
    EXPECT_EQ(make_ds("Example.NET.", key, DigestType::sha256).digest,
              make_ds("example.net.", key, DigestType::sha256).digest);
    const auto w = canonical_name_wire("A.b.");
    EXPECT_EQ(w, (std::vector<std::uint8_t>{1, 'a', 1, 'b', 0}));
    EXPECT_EQ(canonical_name_wire("."), std::vector<std::uint8_t>{0});
}

TEST(Dnssec, ADifferentOwnerGivesADifferentDigest) {
    const auto key = parse_dnskey(p256_key);
    EXPECT_NE(make_ds("example.org.", key, DigestType::sha256).digest,
              make_ds("example.net.", key, DigestType::sha256).digest);
}

TEST(Dnssec, BadInputIsRefusedNamingTheField) {
    const auto problem = [](std::string_view rdata) {
        try {
            (void)parse_dnskey(rdata);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::usage);
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(problem("257 3 13").find("needs flags, protocol, algorithm and the public key"),
              std::string::npos);
    EXPECT_NE(problem("70000 3 13 AAAA").find("DNSKEY flags"), std::string::npos);
    EXPECT_NE(problem("257 2 13 AAAA").find("must be 3"), std::string::npos);
    EXPECT_NE(problem("257 3 x AAAA").find("DNSKEY algorithm"), std::string::npos);
    EXPECT_NE(problem("257 3 13 AAA").find("not a multiple of 4"), std::string::npos);
    EXPECT_NE(problem("257 3 13 AA*A").find("'*' at position 3 is not base64"), std::string::npos);
    const auto key = parse_dnskey(p256_key);
    EXPECT_THROW((void)make_ds("a..b.", key, DigestType::sha256), Error);
    EXPECT_THROW((void)make_ds(std::string(64, 'a') + ".", key, DigestType::sha256), Error);
    EXPECT_THROW((void)make_ds("a\\.b.", key, DigestType::sha256), Error);
}

TEST(Dnssec, Base64PaddingIsDecodedExactly) {
    EXPECT_EQ(parse_dnskey("256 3 8 AQ==").public_key, std::vector<std::uint8_t>{1});
    EXPECT_EQ(parse_dnskey("256 3 8 AQI=").public_key, (std::vector<std::uint8_t>{1, 2}));
    EXPECT_EQ(parse_dnskey("256 3 8 AQID").public_key, (std::vector<std::uint8_t>{1, 2, 3}));
}

} // namespace
} // namespace dms::dnssec
