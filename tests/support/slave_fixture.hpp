// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A real slave server for one test, as dms configures one in production: a slave
// named and an rsync daemon, both in one temp directory, on 127.0.0.1 (or another
// 127.0.0.N) with free ports. The master side rsyncs its server-group directory to
// rsync_url() with password_file(), then runs `rndc -s <name> reconfig` with
// rndc_server_stanza() in its rndc.conf; named includes what arrived.
//
//   SlaveOptions o;
//   o.name = "slave1";
//   SlaveServer slave(o);
//   ASSERT_TRUE(slave.start());
//   // rsync -rpt --password-file=<slave.password_file()> SG_DIR/ <slave.rsync_url()>
//   // rndc -c <conf with slave.rndc_server_stanza()> -s slave1 reconfig
//   ASSERT_TRUE(slave.wait_serial("example.test.", 2024010101));
//
// The directory dir():
//   named.conf          generated, checked with named-checkconf; includes the two below
//   remote-key.key      the rndc key "remote-key" (unless the caller gave one)
//   rndc.conf           the fixture's own rndc config (rndc()): default server = this slave
//   rsync-config/       the rsync module [dnsconf]; bind9.conf (empty at first) included
//   slave/              the zone files named writes after transfers
//   rsyncd.conf         module [dnsconf] (auth user dnsconf, hosts allow 127.0.0.0/8)
//   rsyncd.secrets      "dnsconf:<password>", mode 0600 (set_password() rewrites it)
//   rsync-password      the client's password file (the first password), mode 0600
//   named.log, rsyncd.log, rsyncd.out, named.pid, rsyncd.pid
//
// Tests call DMS_REQUIRE_SLAVE() first: it skips when named or rsync is not
// installed, or fails when the environment variable CI is set. On a failed test the
// destructor prints the ends of the named and rsyncd logs. Not thread safe.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/process.hpp"

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace dms::test {

/// Why a slave cannot be run here ("" if named, rndc, named-checkconf and rsync are found).
std::string slave_missing();

/// Skip the test (fail it when $CI is set) if named or rsync is not installed.
#define DMS_REQUIRE_SLAVE() DMS_REQUIRE_TOOLS(::dms::test::slave_missing())

/// `address` (IPv4) is configured on some interface, so named can listen on it.
bool address_configured(const std::string& address);

struct SlaveOptions {
    /// The server's name: the rndc.conf server name (rndc -s NAME) and log label.
    std::string name = "slave";
    /// 127.0.0.1 or another loopback address. One not on an interface is added to lo at
    /// start() (root only: named listens only on interface addresses) and removed by the
    /// destructor; parallel tests must not share such an address.
    std::string address = "127.0.0.1";
    /// 0: a free port, picked by the constructor and kept by restarts.
    int dns_port = 0;
    int rndc_port = 0;
    int rsync_port = 0;
    /// BIND key file of the control channel's key (key "remote-key", as the master's
    /// rndc_remote_key_file); empty: one is generated (hmac-sha256) in dir().
    std::string remote_key_path;
    /// The slave named's allow-transfer address match list ("127.0.0.1" lets a test
    /// compare a slave's zones by AXFR).
    std::string allow_transfer = "none";
};

class SlaveServer {
public:
    /// Makes the directory, picks the free ports, writes the key, the password files,
    /// rsyncd.conf, an empty rsync-config/bind9.conf and slave/. Nothing runs yet.
    /// @throws std::runtime_error / dms::Error if a file cannot be written or the key read
    explicit SlaveServer(SlaveOptions options = {});
    /// Stops both servers and removes the address the fixture added.
    ~SlaveServer();
    SlaveServer(const SlaveServer&) = delete;
    SlaveServer& operator=(const SlaveServer&) = delete;

    /// start_rsyncd() then start_named() (each only if not running).
    ::testing::AssertionResult start();
    /// stop() and start(): same directory, ports, password and zones.
    ::testing::AssertionResult restart();
    /// Stops named and the rsync daemon (SIGTERM, then SIGKILL after 10 s).
    void stop();

    /// Writes named.conf, checks it with named-checkconf (the zones rsynced so far
    /// included), starts `named -g` and waits (up to 15 s) until it answers DNS on
    /// its port and `rndc status` over the control channel succeeds.
    ::testing::AssertionResult start_named();
    /// Starts `rsync --daemon --no-detach` and waits (up to 15 s) until it lists the
    /// module dnsconf.
    ::testing::AssertionResult start_rsyncd();
    void stop_named();
    void stop_rsyncd();
    /// SIGKILL named at once (a crash).
    void kill_named();
    bool named_running();
    bool rsyncd_running();

    /// Changes the password the rsync daemon accepts (rewrites rsyncd.secrets; takes
    /// effect on the next connection). password_file() keeps the old one, so a master
    /// using it now fails to authenticate.
    void set_password(const std::string& password);
    /// Writes the current password to `path` (mode 0600), as a client password file.
    void write_password_file(const std::string& path) const;
    /// The client password file with the first password (mode 0600).
    std::string password_file() const;
    /// rsync://dnsconf@ADDRESS:PORT/dnsconf/ (the master's rsync destination).
    std::string rsync_url() const;

    /// Runs `rndc -c <dir>/rndc.conf ARGS...` against this slave with the remote key.
    ProcessResult rndc(const std::vector<std::string>& args) const;
    /// The rndc.conf stanza a master needs for `rndc -s NAME`:
    /// server NAME { addresses { ADDRESS port RNDC_PORT; }; key "remote-key"; };
    std::string rndc_server_stanza() const;

    /// The slave's answer to an SOA query for `zone` (TCP).
    dns::SoaReply soa(const std::string& zone, dns::Millis timeout = std::chrono::seconds(2)) const;
    /// The serial the slave serves for `zone` (an authoritative NOERROR answer with
    /// an SOA), nullopt if it does not serve it (not loaded, not configured, down).
    std::optional<std::uint32_t> serial(const std::string& zone) const;
    /// Polls serial() every 50 ms until it is `serial` (any serial when nullopt).
    bool wait_serial(const std::string& zone, std::optional<std::uint32_t> serial = std::nullopt,
                     std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;

    /// `name` (e.g. "bind9.conf") exists in rsync-config/.
    bool has_config_file(const std::string& name) const;
    /// The zone names of the `zone "NAME"` stanzas of rsync-config/bind9.conf, as
    /// written (without a trailing dot, as dms writes them).
    std::vector<std::string> listed_zones() const;
    /// `zone` (trailing dot or not, any case) has a stanza in rsync-config/bind9.conf.
    bool lists_zone(const std::string& zone) const;
    /// named has written the transferred zone to slave/NAME.
    bool has_slave_file(const std::string& zone) const;

    const std::string& name() const { return m_options.name; }
    const std::string& address() const { return m_options.address; }
    int dns_port() const { return m_options.dns_port; }
    int rndc_port() const { return m_options.rndc_port; }
    int rsync_port() const { return m_options.rsync_port; }
    dns::Server server() const { return {address(), dns_port()}; }
    const std::filesystem::path& dir() const { return m_dir.path(); }
    std::filesystem::path config_dir() const { return dir() / "rsync-config"; }
    const std::string& remote_key_path() const { return m_options.remote_key_path; }
    const std::string& remote_key_name() const { return m_key_name; }
    std::string named_log_tail(std::size_t lines = 40) const;
    std::string rsyncd_log_tail(std::size_t lines = 40) const;

private:
    std::string named_conf_text() const;
    std::string rsyncd_conf_text() const;
    ::testing::AssertionResult ensure_address();
    /// Stops `process` and returns `what` with the log's end.
    ::testing::AssertionResult failure(ChildProcess& process, const std::string& what,
                                       const std::string& log_tail);

    TempDir m_dir;
    SlaveOptions m_options;
    std::string m_key_name;
    std::string m_password;
    bool m_added_address = false;
    ChildProcess m_named;
    ChildProcess m_rsyncd;
};

} // namespace dms::test
