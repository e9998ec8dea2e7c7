// SPDX-License-Identifier: GPL-3.0-or-later
// Zone names dms creates against the real named: every name dms accepts for a new
// zone named accepts as a zone (named-checkconf -z on a zone statement of that name,
// named-checkzone -k fail on a minimal file), and every name dms refuses is one named
// refuses, or one that is unsafe as a zone file name, in named.conf or in zone_tool's
// patterns, or the root (a dms policy). A missing tool fails the test when CI is set.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdlib.h> // NOLINT(modernize-deprecated-headers): mkdtemp
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/process.hpp"

namespace dms {
namespace {

/// Why a name is refused, as the test expects it.
enum class Expect {
    accept,
    named_refuses, ///< named refuses it as a zone
    unsafe,        ///< named loads it; a file name, named.conf or pattern hazard
    policy,        ///< the root zone: not managed by dms
};

struct Case {
    std::string name;
    Expect expect;
};

/// dms's verdict for a new zone: "" or the reason.
std::string dms_refusal(const std::string& name) {
    std::string why;
    const auto n = normalize_zone_name(name, &why);
    if (!n) {
        return why;
    }
    return new_zone_name_problem(*n);
}

class ZoneNameNamed : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* tool : {"named-checkconf", "named-checkzone"}) {
            if (run_process({tool, "-v"}).exit_code == 127) {
                if (std::getenv("CI") != nullptr) {
                    FAIL() << tool << " is not installed (and CI is set)";
                }
                GTEST_SKIP() << tool << " is not installed";
            }
        }
        auto tmpl = (std::filesystem::temp_directory_path() / "dms-zone-names-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        m_dir = tmpl;
        std::ofstream(m_dir / "zone") << "$TTL 1h\n@ SOA ns1.example.net. hostmaster.example.net. "
                                         "1 2h 900 7d 1h\n@ NS ns1.example.net.\n";
    }
    void TearDown() override {
        if (!m_dir.empty()) {
            std::filesystem::remove_all(m_dir);
        }
    }

    /// "" if named takes `name` as a zone, else what it said.
    std::string named_refusal(const std::string& name) {
        const auto conf = m_dir / "named.conf";
        std::ofstream(conf) << fmt::format("options {{ directory \"{}\"; }};\n"
                                           "zone \"{}\" {{ type primary; file \"zone\"; }};\n",
                                           m_dir.string(), name);
        const auto c = run_process({"named-checkconf", "-z", conf.string()});
        if (!c.ok()) {
            return "named-checkconf: " + c.out + c.err;
        }
        const auto z =
            run_process({"named-checkzone", "-k", "fail", "--", name, (m_dir / "zone").string()});
        return z.ok() ? "" : "named-checkzone: " + z.out + z.err;
    }

    std::filesystem::path m_dir;
};

TEST_F(ZoneNameNamed, DmsAndNamedAgreeOnHostileZoneNames) {
    const std::string l63(63, 'a');
    const std::string l64(64, 'a');
    // 253 characters without the final dot: 255 octets, the longest name.
    const auto longest = fmt::format("{0}.{0}.{0}.{1}", l63, std::string(61, 'b'));
    const std::vector<Case> cases = {
        {"example.org", Expect::accept},
        {"EXAMPLE.Org.", Expect::accept},
        {"_tcp.example.org", Expect::accept},
        {"a_b.test", Expect::accept},
        {"xn--bcher-kva.test", Expect::accept},
        {"123.test", Expect::accept},
        {"test", Expect::accept},
        {"a--b.test", Expect::accept},
        {"a-.test", Expect::accept},
        {"0.0.10.in-addr.arpa", Expect::accept},
        {l63 + ".test", Expect::accept},
        {longest, Expect::accept},
        {"*.test", Expect::named_refuses}, // its apex NS would be a wildcard
        {"*", Expect::named_refuses},
        {".test", Expect::named_refuses},
        {"a..test", Expect::named_refuses},
        {"..", Expect::named_refuses},
        {"../etc", Expect::named_refuses},
        {l64 + ".test", Expect::named_refuses},
        {longest + "b", Expect::named_refuses},
        {"a\"b.test", Expect::named_refuses}, // breaks the zone statement
        {"a*.test", Expect::unsafe},
        {"a.*.test", Expect::unsafe},
        {"*a.test", Expect::unsafe},
        {"-a.test", Expect::unsafe},
        {"-", Expect::unsafe},
        {"a/b.test", Expect::unsafe},
        {"a b.test", Expect::unsafe},
        {"a\\.b.test", Expect::unsafe},
        {"a\\032b.test", Expect::unsafe},
        {"a;b.test", Expect::unsafe},
        {"a$b.test", Expect::unsafe},
        {"a@b.test", Expect::unsafe},
        {"a+b.test", Expect::unsafe},
        {"a{b}.test", Expect::unsafe},
        {"a\tb.test", Expect::unsafe},
        {"a\x01"
         "b.test",
         Expect::unsafe},
        {"caf\xc3\xa9.test", Expect::unsafe},
        {".", Expect::policy},
        {"", Expect::policy},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("name '" + c.name + "'");
        const auto ours = dms_refusal(c.name);
        const auto named = named_refusal(c.name);
        if (c.expect == Expect::accept) {
            EXPECT_EQ(ours, "");
            EXPECT_EQ(named, "") << "dms accepts a zone named refuses";
            continue;
        }
        EXPECT_NE(ours, "") << "dms accepts it; named says: " << (named.empty() ? "ok" : named);
        if (c.expect == Expect::named_refuses) {
            EXPECT_NE(named, "") << "named loads it: a needless refusal, or a wrong expectation";
        } else if (c.expect == Expect::unsafe && named.empty()) {
            // Named loads it: the refusal must say why it is unsafe.
            EXPECT_TRUE(ours.find("not allowed") != std::string::npos ||
                        ours.find("may not start") != std::string::npos)
                << ours;
        }
    }
}

} // namespace
} // namespace dms
