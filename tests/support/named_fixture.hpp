// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A real BIND named for one test: its own temp directory (config, keys, zone files,
// pid file, journal and log all inside it), free ports on 127.0.0.1 for DNS and for
// rndc, a generated named.conf checked with named-checkconf, and readiness by
// probing (never a fixed sleep).
//
//   NamedFixture named;                       // dir, ports, keys; named not running
//   named.write("example.test.zone", text);   // files named.conf refers to
//   ASSERT_TRUE(named.start({.extra_config = zone_stanza, .wait_zones = {"example.test."}}));
//   dns::query_soa(named.server(), "example.test.", 2s);
//
// Tests call DMS_REQUIRE_NAMED() first: it skips when named is not installed, or
// fails when the environment variable CI is set. On a failed test the destructor
// prints the end of named's log.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

#include <gtest/gtest.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/process.hpp"

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace dms::test {

/// The path of program `name` found in $PATH or the sbin directories (tests often run
/// without them in PATH); "" if not found.
std::string find_program(const std::string& name);

/// The last `lines` lines of the file at `path` ("" if it cannot be read), for failure
/// messages.
std::string file_tail(const std::filesystem::path& path, std::size_t lines = 40);

/// Why named cannot be run here ("" if named, rndc and named-checkconf are found).
std::string named_missing();

/// Skip the test (fail it when $CI is set) if `missing` (why a tool cannot be run, ""
/// if it can) is not empty.
#define DMS_REQUIRE_TOOLS(missing)                                                                 \
    do {                                                                                           \
        if (const auto dms_why = (missing); !dms_why.empty()) {                                    \
            if (std::getenv("CI") != nullptr) {                                                    \
                FAIL() << dms_why << " (CI is set, so this is a failure)";                         \
            }                                                                                      \
            GTEST_SKIP() << dms_why;                                                               \
        }                                                                                          \
    } while (false)

/// Skip the test (fail it when $CI is set) if named is not installed.
#define DMS_REQUIRE_NAMED() DMS_REQUIRE_TOOLS(::dms::test::named_missing())

/// find_program(), looked up once per name ("" if not found).
const std::string& installed_program(const std::string& name);

/// A file's whole content, "" if it cannot be read (for failure messages and checks).
std::string read_text(const std::filesystem::path& path);

/// A port on 127.0.0.1 that is free for both TCP and UDP at the time of the call.
/// @throws std::runtime_error if no socket can be bound
int free_port();

struct NamedOptions {
    /// Include the key "update-ddns" (hmac-sha256) in named.conf, for update-policy.
    bool update_key = true;
    /// Appended to named.conf: zone stanzas, include lines. Relative file names are
    /// relative to dir().
    std::string extra_config;
    /// start() waits until each of these zones answers its SOA authoritatively.
    std::vector<std::string> wait_zones;
};

class NamedFixture {
public:
    /// Makes the directory, picks the ports and writes the rndc and update keys.
    NamedFixture();
    /// Stops named (see stop()).
    ~NamedFixture();
    NamedFixture(const NamedFixture&) = delete;
    NamedFixture& operator=(const NamedFixture&) = delete;

    /// Write `content` to `name` inside dir(); returns the full path.
    std::string write(const std::string& name, const std::string& content) const;

    /// Writes named.conf, checks it with named-checkconf, starts `named -g` and waits
    /// (polling every 50 ms, up to 15 s) until it answers on the DNS port, every
    /// zone in `wait_zones` answers its SOA with NOERROR and AA, and `rndc status`
    /// succeeds. On failure named is stopped and the message holds the log's end.
    ::testing::AssertionResult start(const NamedOptions& options = {});
    /// stop() and start() with the options of the last start(), on the same ports.
    ::testing::AssertionResult restart();
    /// SIGTERM, up to 10 s for named to exit, then SIGKILL; always reaps it.
    /// Nothing happens if named is not running.
    void stop();
    /// named was started and has not exited.
    bool running();

    /// Runs `rndc -c <dir>/rndc.conf ARGS...` (the config names server, port, key).
    ProcessResult rndc(const std::vector<std::string>& args) const;

    const std::filesystem::path& dir() const { return m_dir.path(); }
    std::string address() const { return "127.0.0.1"; }
    int port() const { return m_port; }
    int rndc_port() const { return m_rndc_port; }
    dns::Server server() const { return {address(), m_port}; }
    /// The key file of "update-ddns" (BIND syntax) and the key read back from it.
    const std::string& update_key_path() const { return m_update_key_path; }
    const dns::TsigKey& update_key() const { return m_update_key; }
    std::string conf_path() const;
    /// Everything named wrote to stdout and stderr so far ("" if nothing).
    std::string log() const;
    /// The last `lines` lines of log(), for failure messages.
    std::string log_tail(std::size_t lines = 40) const;

private:
    std::string config_text() const;
    ::testing::AssertionResult spawn();
    ::testing::AssertionResult wait_ready();
    ::testing::AssertionResult failure(const std::string& what);

    TempDir m_dir;
    int m_port = 0;
    int m_rndc_port = 0;
    std::string m_update_key_path;
    dns::TsigKey m_update_key;
    NamedOptions m_options;
    ChildProcess m_process;
};

} // namespace dms::test
