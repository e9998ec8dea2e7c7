// SPDX-License-Identifier: GPL-3.0-or-later
// dms's DS records against BIND's dnssec-dsfromkey, for keys of every algorithm a
// dnssec-policy may use, made by dnssec-keygen in a temp dir: the same key tag and
// digest, SHA-256 and SHA-384, KSK and ZSK.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "dms/core/dnssec.hpp"
#include "dms/core/process.hpp"

#include "named_fixture.hpp"
#include "temp_dir.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// "NAME. TTL IN DNSKEY RDATA" of a K*.key file (comment lines skipped): the rdata.
std::string dnskey_rdata(const std::string& key_file) {
    std::istringstream in(read_all(key_file));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == ';') {
            continue;
        }
        const auto p = line.find("DNSKEY");
        if (p != std::string::npos) {
            return line.substr(p + 6);
        }
    }
    return {};
}

RunOptions quick() {
    RunOptions o;
    o.timeout = 60s;
    return o;
}

TEST(DnssecNamed, DsEqualsDnssecDsfromkeyForEveryAlgorithm) {
    DMS_REQUIRE_TOOLS(installed_program("dnssec-keygen").empty() ||
                              installed_program("dnssec-dsfromkey").empty()
                          ? std::string("dnssec-keygen or dnssec-dsfromkey not installed")
                          : std::string());
    TempDir dir;
    const std::string zone = "Sign.Example.";
    for (const std::string alg : {"RSASHA256", "ECDSAP256SHA256", "ECDSAP384SHA384", "ED25519"}) {
        for (const bool ksk : {true, false}) {
            std::vector<std::string> argv{
                installed_program("dnssec-keygen"), "-q", "-K", dir.path().string(), "-a", alg};
            if (alg == "RSASHA256") {
                argv.insert(argv.end(), {"-b", "2048"});
            }
            if (ksk) {
                argv.insert(argv.end(), {"-f", "KSK"});
            }
            argv.push_back(zone);
            const auto made = run_process(argv, quick());
            ASSERT_TRUE(made.ok()) << made.err;
            std::string base = made.out;
            while (!base.empty() && (base.back() == '\n' || base.back() == '\r')) {
                base.pop_back();
            }
            const auto key_file = (dir.path() / (base + ".key")).string();
            const auto key = dnssec::parse_dnskey(dnskey_rdata(key_file));
            EXPECT_EQ(key.sep(), ksk);
            for (const auto& [type, name] : {std::pair{dnssec::DigestType::sha256, "SHA-256"},
                                             std::pair{dnssec::DigestType::sha384, "SHA-384"}}) {
                const auto bind = run_process(
                    {installed_program("dnssec-dsfromkey"), "-a", name, key_file}, quick());
                ASSERT_TRUE(bind.ok()) << bind.err;
                // "sign.example. IN DS 12345 13 2 HEX"
                const auto p = bind.out.find(" DS ");
                ASSERT_NE(p, std::string::npos) << bind.out;
                auto expected = bind.out.substr(p + 4);
                while (!expected.empty() && expected.back() == '\n') {
                    expected.pop_back();
                }
                EXPECT_EQ(dnssec::make_ds(zone, key, type).rdata(), expected)
                    << alg << (ksk ? " KSK " : " ZSK ") << name;
            }
        }
    }
}

} // namespace
} // namespace dms::test
