// SPDX-License-Identifier: GPL-3.0-or-later
// SlaveServer does what a dms slave does: accepts a server group's directory by rsync
// (password file, module dnsconf), loads its zones on `rndc -s NAME reconfig` with the
// remote key, transfers them from a master (NamedFixture) and serves them; refuses a
// wrong password without touching its files; survives stops and restarts.
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/config.hpp"
#include "dms/drivers/bind9.hpp"

#include "named_fixture.hpp"
#include "slave_fixture.hpp"
#include "temp_dir.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

const std::string zone = "example.test.";

std::string zone_text(std::uint32_t serial) {
    return fmt::format("$TTL 300\n"
                       "@ IN SOA ns1.example.test. hostmaster.example.test. {} 60 30 600 60\n"
                       "@ IN NS ns1\n"
                       "ns1 IN A 192.0.2.1\n"
                       "www IN A 192.0.2.80\n",
                       serial);
}

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Every file under `dir` with its content, to see that nothing changed.
std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        files[e.path().lexically_relative(dir).string()] =
            e.is_regular_file() ? read(e.path()) : "<dir>";
    }
    return files;
}

/// Polls `cond` every 50 ms until true or `timeout`.
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!cond()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

SlaveOptions options(const std::string& name, const std::string& key = "",
                     const std::string& address = "127.0.0.1") {
    SlaveOptions o;
    o.name = name;
    o.remote_key_path = key;
    o.address = address;
    return o;
}

/// A master's side of one slave: the server group's directory it rsyncs and an
/// rndc.conf naming the slave, as dmsd writes them.
class SlaveFixtureTest : public ::testing::Test {
protected:
    void SetUp() override {
        DMS_REQUIRE_SLAVE();
        m_master.write("example.test.zone", zone_text(2024010101));
        NamedOptions o;
        o.update_key = false;
        o.extra_config = "zone \"example.test\" { type master; file \"example.test.zone\"; };\n";
        o.wait_zones = {zone};
        ASSERT_TRUE(m_master.start(o));
        ASSERT_TRUE(m_slave.start());
    }

    /// Writes the SG directory's bind9.conf with one slave stanza per zone.
    void write_sg(const std::vector<std::string>& zones) {
        std::string text = "// server group sg1, written for the test\n";
        for (const auto& z : zones) {
            text += fmt::format("zone \"{}\" {{ type slave; masters {{ {} port {}; }}; "
                                "file \"slave/{}\"; }};\n",
                                z, m_master.address(), m_master.port(), z);
        }
        m_sg.write("bind9.conf", text);
    }

    /// rsync the SG directory to the slave as dmsd does: argv, password file, timeouts.
    ProcessResult push(const std::string& password_file) {
        const std::vector<std::string> argv{find_program("rsync"),
                                            "-rpt",
                                            "--delete",
                                            "--timeout=10",
                                            "--contimeout=5",
                                            "--password-file=" + password_file,
                                            m_sg.path().string() + "/",
                                            m_slave.rsync_url()};
        RunOptions o;
        o.timeout = 20s;
        return run_process(argv, o);
    }

    /// `rndc -c <master's rndc.conf> -s slave1 ARGS...`.
    ProcessResult rndc_s(const std::vector<std::string>& args) {
        const auto conf = m_sg_admin.write(
            "rndc.conf", fmt::format("include \"{}\";\noptions {{\n\tdefault-key \"{}\";\n}};\n{}",
                                     m_slave.remote_key_path(), m_slave.remote_key_name(),
                                     m_slave.rndc_server_stanza()));
        std::vector<std::string> argv{find_program("rndc"), "-c", conf, "-s", m_slave.name()};
        argv.insert(argv.end(), args.begin(), args.end());
        RunOptions o;
        o.timeout = 15s;
        return run_process(argv, o);
    }

    NamedFixture m_master;
    SlaveServer m_slave{options("slave1")};
    TempDir m_sg;       // the master's dms-sg/sg1/
    TempDir m_sg_admin; // the master's rndc.conf
};

TEST_F(SlaveFixtureTest, ConfigByRsyncZoneByTransferSerialBySoa) {
    EXPECT_FALSE(m_slave.lists_zone(zone));
    EXPECT_FALSE(m_slave.serial(zone));

    write_sg({"example.test"});
    const auto r = push(m_slave.password_file());
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_TRUE(m_slave.has_config_file("bind9.conf"));
    EXPECT_THAT(m_slave.listed_zones(), ElementsAre("example.test"));
    EXPECT_TRUE(m_slave.lists_zone("Example.Test."));

    const auto reconfig = rndc_s({"reconfig"});
    ASSERT_TRUE(reconfig.ok()) << reconfig.out << reconfig.err;
    ASSERT_TRUE(m_slave.wait_serial(zone, 2024010101u));
    EXPECT_TRUE(m_slave.soa(zone).authoritative);
    EXPECT_TRUE(m_slave.wait_serial(zone, 2024010101u, 5s));
    // named writes the transferred zone to its file a little later.
    EXPECT_TRUE(eventually([&] { return m_slave.has_slave_file(zone); }));

    // A new serial on the master reaches the slave on refresh.
    m_master.write("example.test.zone", zone_text(2024010102));
    ASSERT_TRUE(m_master.rndc({"reload", "example.test"}).ok());
    ASSERT_TRUE(rndc_s({"refresh", "example.test"}).ok());
    EXPECT_TRUE(m_slave.wait_serial(zone, 2024010102u));

    // The zone leaves the SG: after the next rsync and reconfig the slave drops it.
    write_sg({});
    ASSERT_TRUE(push(m_slave.password_file()).ok());
    EXPECT_FALSE(m_slave.lists_zone(zone));
    ASSERT_TRUE(rndc_s({"reconfig"}).ok());
    EXPECT_FALSE(m_slave.serial(zone));
}

TEST_F(SlaveFixtureTest, WrongPasswordIsRefusedAndChangesNothing) {
    write_sg({"example.test"});
    ASSERT_TRUE(push(m_slave.password_file()).ok());
    const auto before = snapshot(m_slave.config_dir());

    write_sg({"example.test", "other.test"});
    m_sg.write("extra.conf", "// must not arrive\n");
    const auto wrong = m_sg_admin.write("wrong-password", "not-the-password\n");
    std::filesystem::permissions(wrong, std::filesystem::perms::owner_read |
                                            std::filesystem::perms::owner_write);
    const auto r = push(wrong);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(snapshot(m_slave.config_dir()), before);

    // The slave's password changes: the master's old file is wrong now, a new one works.
    m_slave.set_password("changed-password");
    EXPECT_FALSE(push(m_slave.password_file()).ok());
    EXPECT_EQ(snapshot(m_slave.config_dir()), before);
    const auto fresh = (m_sg_admin.path() / "new-password").string();
    m_slave.write_password_file(fresh);
    ASSERT_TRUE(push(fresh).ok());
    EXPECT_TRUE(m_slave.has_config_file("extra.conf"));
    EXPECT_TRUE(m_slave.lists_zone("other.test"));
}

TEST_F(SlaveFixtureTest, StopsAndRestartsEachPartOnTheSamePorts) {
    write_sg({"example.test"});
    ASSERT_TRUE(push(m_slave.password_file()).ok());
    ASSERT_TRUE(rndc_s({"reconfig"}).ok());
    ASSERT_TRUE(m_slave.wait_serial(zone, 2024010101u));

    // named down, rsyncd up: DNS and rndc fail, rsync works.
    m_slave.stop_named();
    EXPECT_FALSE(m_slave.named_running());
    EXPECT_TRUE(m_slave.rsyncd_running());
    EXPECT_NE(m_slave.soa(zone, 500ms).status, dns::Status::answered);
    EXPECT_FALSE(rndc_s({"status"}).ok());
    EXPECT_TRUE(push(m_slave.password_file()).ok());

    // named back (the zone from its slave file), rsyncd down: rsync fails.
    ASSERT_TRUE(m_slave.start_named());
    EXPECT_TRUE(m_slave.wait_serial(zone, 2024010101u));
    m_slave.stop_rsyncd();
    EXPECT_FALSE(m_slave.rsyncd_running());
    EXPECT_FALSE(push(m_slave.password_file()).ok());
    EXPECT_TRUE(rndc_s({"status"}).ok());

    // Stopped whole, restarted whole: same ports, same zone.
    const int dns_port = m_slave.dns_port();
    const int rsync_port = m_slave.rsync_port();
    m_slave.stop();
    EXPECT_FALSE(m_slave.serial(zone));
    ASSERT_TRUE(m_slave.restart());
    EXPECT_EQ(m_slave.dns_port(), dns_port);
    EXPECT_EQ(m_slave.rsync_port(), rsync_port);
    EXPECT_TRUE(m_slave.wait_serial(zone, 2024010101u));
    EXPECT_TRUE(push(m_slave.password_file()).ok());

    // A crash: named killed, started again.
    m_slave.kill_named();
    EXPECT_FALSE(m_slave.named_running());
    ASSERT_TRUE(m_slave.start());
    EXPECT_TRUE(m_slave.wait_serial(zone, 2024010101u));
}

// What dmsd does for a slave that fell behind (the NOTIFY it missed, sent again): a
// NOTIFY from the master's address makes the slave fetch the new serial; one from
// another address is refused; one from an address this machine lacks is not sent.
TEST_F(SlaveFixtureTest, ANotifyFromTheMastersAddressMakesTheSlaveTransfer) {
    write_sg({"example.test"});
    ASSERT_TRUE(push(m_slave.password_file()).ok());
    ASSERT_TRUE(rndc_s({"reconfig"}).ok());
    ASSERT_TRUE(m_slave.wait_serial(zone, 2024010101u));
    // The master's slave zone notifies no one (NamedFixture: notify no), so without
    // our NOTIFY the slave would wait for its refresh timer (60 s in zone_text()).
    m_master.write("example.test.zone", zone_text(2024010102));
    ASSERT_TRUE(m_master.rndc({"reload", "example.test"}).ok());
    ASSERT_EQ(dns::query_soa(m_master.server(), zone, 2s).serial, 2024010102u);

    const auto other = dns::send_notify(m_slave.server(), zone, 2s, "127.0.0.9");
    EXPECT_EQ(other.status, dns::Status::answered) << other.error;
    EXPECT_EQ(dns::rcode_name(other.rcode), "REFUSED") << "not from its master";
    const auto absent = dns::send_notify(m_slave.server(), zone, 2s, "192.0.2.1");
    EXPECT_EQ(absent.status, dns::Status::unreachable);
    EXPECT_NE(absent.error.find("bind to 192.0.2.1"), std::string::npos) << absent.error;
    EXPECT_EQ(m_slave.serial(zone), 2024010101u);

    const auto r = dns::send_notify(m_slave.server(), zone, 2s, m_master.address());
    ASSERT_EQ(r.status, dns::Status::answered) << r.error;
    EXPECT_EQ(dns::rcode_name(r.rcode), "NOERROR") << r.error;
    EXPECT_TRUE(m_slave.wait_serial(zone, 2024010102u, 10s)) << m_slave.named_log_tail(20);

    const auto unknown = dns::send_notify(m_slave.server(), "other.test.", 2s, m_master.address());
    EXPECT_EQ(unknown.status, dns::Status::answered);
    EXPECT_NE(unknown.rcode, 0) << "not a zone of the slave";
}

// dmsd's slave driver on a real slave: the serial it serves, what rndc status says, and
// rndc retransfer (the repair for a zone a NOTIFY did not bring).
TEST_F(SlaveFixtureTest, TheSlaveDriverReadsSerialsAndStatusAndRetransfers) {
    write_sg({"example.test"});
    ASSERT_TRUE(push(m_slave.password_file()).ok());
    rndc_s({"status"}); // writes m_sg_admin/rndc.conf
    std::istringstream conf(fmt::format("[DEFAULT]\nrndc_conf_file = {}\ndns_query_timeout = 2\n",
                                        (m_sg_admin.path() / "rndc.conf").string()));
    const auto config = parse_config(Program::dmsd, conf, "test.conf");
    const auto driver = drivers::bind9::make_slave_driver(config);
    const drivers::SlaveTarget target{m_slave.name(),      m_slave.address(),    m_slave.dns_port(),
                                      m_slave.rndc_port(), m_slave.rsync_port(), "sg1"};
    using K = drivers::ZoneAnswer::Kind;
    EXPECT_EQ(driver->zone_serial(target, zone).kind, K::not_found) << "not configured yet";
    ASSERT_EQ(driver->reload_config(target).kind, drivers::SlaveStep::Kind::ok);
    ASSERT_TRUE(m_slave.wait_serial(zone, 2024010101u));
    auto a = driver->zone_serial(target, zone);
    EXPECT_EQ(a.kind, K::serial);
    EXPECT_EQ(a.serial, 2024010101u);
    drivers::SlaveStatus st;
    ASSERT_EQ(driver->status(target, st).kind, drivers::SlaveStep::Kind::ok);
    EXPECT_GE(st.zones.value_or(0), 1);
    EXPECT_EQ(st.refreshing, 0) << "nothing to refresh";

    m_master.write("example.test.zone", zone_text(2024010102));
    ASSERT_TRUE(m_master.rndc({"reload", "example.test"}).ok());
    ASSERT_EQ(driver->retransfer(target, zone).kind, drivers::SlaveStep::Kind::ok);
    EXPECT_TRUE(m_slave.wait_serial(zone, 2024010102u, 10s)) << m_slave.named_log_tail(20);
    a = driver->zone_serial(target, zone);
    EXPECT_EQ(a.serial, 2024010102u);

    const auto bad = driver->retransfer(target, "other.test.");
    EXPECT_EQ(bad.kind, drivers::SlaveStep::Kind::retry);
    EXPECT_NE(bad.detail.find("rndc -s slave1 retransfer other.test"), std::string::npos)
        << bad.detail;
    m_slave.stop_named();
    EXPECT_EQ(driver->zone_serial(target, zone).kind, K::no_answer);
}

// Two slaves sharing the master's remote key, one on its own loopback address (root
// only: the address is added to lo and removed again), both transferring the zone.
TEST(SlaveServer, TwoSlavesOneKeyOtherAddress) {
    DMS_REQUIRE_SLAVE();
    if (::geteuid() != 0) {
        GTEST_SKIP() << "adding 127.0.0.99 to lo needs root";
    }
    NamedFixture master;
    master.write("example.test.zone", zone_text(7));
    NamedOptions o;
    o.update_key = false;
    o.extra_config = "zone \"example.test\" { type master; file \"example.test.zone\"; };\n";
    o.wait_zones = {zone};
    ASSERT_TRUE(master.start(o));

    TempDir keys;
    const auto key =
        keys.write("rndc-remote.key", dns::generate_tsig_key_text("remote-key", "hmac-sha256"));
    std::filesystem::permissions(key, std::filesystem::perms::owner_read |
                                          std::filesystem::perms::owner_write);
    const auto stanza =
        fmt::format("zone \"example.test\" {{ type slave; masters {{ {} port {}; }}; file \"slave/"
                    "example.test\"; }};\n",
                    master.address(), master.port());
    const bool was_there = address_configured("127.0.0.99");
    {
        SlaveServer a(options("a", key));
        SlaveServer b(options("b", key, "127.0.0.99"));
        ASSERT_TRUE(a.start());
        ASSERT_TRUE(b.start());
        EXPECT_TRUE(address_configured("127.0.0.99"));
        for (SlaveServer* s : {&a, &b}) {
            // The fixture's rsync-config is where the rsync would put it.
            std::ofstream(s->config_dir() / "bind9.conf") << stanza;
            const auto r = s->rndc({"reconfig"});
            ASSERT_TRUE(r.ok()) << r.err;
            EXPECT_TRUE(s->wait_serial(zone, 7u)) << s->name();
        }
    }
    // Both destroyed: the address the fixture added is gone again.
    if (!was_there) {
        EXPECT_FALSE(address_configured("127.0.0.99"));
    }
}

} // namespace
} // namespace dms::test
