// SPDX-License-Identifier: GPL-3.0-or-later
// Server groups and slaves end to end (issue 5): PostgreSQL, a master named, dmsd and
// two slave named servers with rsync daemons, all on loopback with free ports. Zones
// are configured with zone_tool; dmsd renders the SG's config, rsyncs it to the
// slaves, runs rndc -s <server> reconfig, probes them and checks their serials.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "dms/core/dns_client.hpp"

#include "dms_system.hpp"
#include "slave_fixture.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class DmsSlaves : public DmsSystem {
protected:
    void SetUp() override {
        DMS_REQUIRE_SLAVE();
        m_remote_key = m_dir.write("rndc-remote.key",
                                   dns::generate_tsig_key_text("remote-key", "hmac-sha256"));
        for (const auto* name : {"slave1", "slave2"}) {
            SlaveOptions o;
            o.name = name;
            o.remote_key_path = m_remote_key;
            auto s = std::make_unique<SlaveServer>(o);
            ASSERT_TRUE(s->start());
            s->set_password("sandbox-test-password");
            m_slaves.push_back(std::move(s));
        }
        m_password_file = (m_dir.path() / "rsync-password").string();
        m_slaves[0]->write_password_file(m_password_file);
        DmsSystem::SetUp();
    }

    std::string extra_common_config() const override {
        return fmt::format("rsync_password_file = {}\nrsync_timeout = 5\n"
                           "rndc_remote_key_file = {}\nserver_admin_config_dir = {}/admin\n",
                           m_password_file, m_remote_key, m_dir.path().string());
    }
    std::string extra_dmsd_config() const override {
        return "server_check_interval = 1\nserver_retry_base = 0.3\nserver_retry_max = 1\n"
               "master_rndc_settle_delay = 0\nserver_serial_sample = 0\n";
    }
    std::string rndc_conf_path() const override {
        return (m_dir.path() / "rndc-all.conf").string();
    }
    void before_dmsd() override {
        // The master's own rndc.conf, plus a server entry per slave with the remote key
        // (what write_rndc_conf writes on a real master).
        std::string text = read_text(m_named.dir() / "rndc.conf");
        text += fmt::format("include \"{}\";\n", m_remote_key);
        for (const auto& s : m_slaves) {
            text += s->rndc_server_stanza() + "\n";
        }
        m_dir.write("rndc-all.conf", text);
    }

    /// create_server + enable_server for a slave, in the default SG.
    void add_slave(const SlaveServer& s, const std::string& sg = "someorg-one") {
        ASSERT_EQ(zt({"create_server", "-g", sg, "-P",
                      fmt::format("{},{},{}", s.dns_port(), s.rndc_port(), s.rsync_port()),
                      s.name(), s.address()})
                      .status,
                  0);
        ASSERT_EQ(zt({"enable_server", s.name()}).status, 0);
    }

    std::string server_field(const std::string& name, const std::string& expression) {
        return sql_value("SELECT " + expression + " FROM sm_servers WHERE name = '" + name + "'");
    }
    bool server_state_is(const std::string& name, const std::string& state,
                         std::chrono::milliseconds timeout = 20s) {
        return wait_for([&] { return server_field(name, "state") == state; }, timeout);
    }
    std::optional<std::uint32_t> master_serial(const std::string& zone) { return soa(zone).serial; }

    std::string m_remote_key, m_password_file;
    std::vector<std::unique_ptr<SlaveServer>> m_slaves;
};

TEST_F(DmsSlaves, AZoneAndItsEditsReachBothSlaves) {
    for (const auto& s : m_slaves) {
        add_slave(*s);
    }
    for (const auto& s : m_slaves) {
        EXPECT_TRUE(server_state_is(s->name(), "OK")) << server_field(s->name(), "retry_msg");
    }
    ASSERT_EQ(zt({"create_zone", "slaves.test."}).status, 0);
    ASSERT_TRUE(wait_for([&] { return served("slaves.test."); }));
    const auto serial = master_serial("slaves.test.");
    for (const auto& s : m_slaves) {
        EXPECT_TRUE(s->wait_serial("slaves.test.", serial, 20s))
            << s->name() << " serves " << s->serial("slaves.test.").value_or(0) << ", master "
            << serial.value_or(0) << "\n"
            << s->named_log_tail(20);
        EXPECT_TRUE(s->lists_zone("slaves.test.")) << "its bind9.conf came by rsync";
    }
    // An edit: the master's new serial reaches both (NOTIFY from the master).
    const auto zone = zt({"show_zone", "slaves.test."});
    ASSERT_EQ(zone.status, 0);
    const auto file = m_dir.write("edit.zone", zone.out + "www A 192.0.2.80\n");
    ASSERT_EQ(zt({"load_zone_zi", file, "slaves.test."}).status, 0);
    ASSERT_TRUE(wait_for([&] { return master_serial("slaves.test.") != serial; }));
    const auto edited = master_serial("slaves.test.");
    for (const auto& s : m_slaves) {
        EXPECT_TRUE(s->wait_serial("slaves.test.", edited, 20s)) << s->name();
    }
    // The periodic check records the zone count and finds no lagging zone.
    EXPECT_TRUE(wait_for(
        [&] { return server_field("slave1", "coalesce(lagging_zones, -1)") == "0"; }, 10s));
    EXPECT_NE(server_field("slave1", "coalesce(zone_count, -1)"), "-1");
    EXPECT_NE(server_field("slave1", "probe_rtt_ms"), "(null)");
    const auto status = zt({"show_dms_status", "-v"});
    ASSERT_EQ(status.status, 0) << status.err;
    for (const auto& s : m_slaves) {
        EXPECT_NE(status.out.find(s->name()), std::string::npos) << status.out;
    }
    EXPECT_NE(status.out.find(" ms "), std::string::npos) << "reach from the probe\n" << status.out;
    EXPECT_EQ(status.out.find("RETRY"), std::string::npos) << status.out;
    EXPECT_EQ(sql_value("SELECT zone_count FROM server_groups WHERE name = 'someorg-one'"),
              sql_value("SELECT count(*) FROM sm_zone WHERE state = 'PUBLISHED'"));
}

TEST_F(DmsSlaves, AStoppedSlaveIsRetryWithTheRealErrorThenOkByItself) {
    auto& s = *m_slaves[0];
    add_slave(s);
    ASSERT_TRUE(server_state_is("slave1", "OK")) << server_field("slave1", "retry_msg");
    s.stop_named();
    ASSERT_TRUE(server_state_is("slave1", "RETRY"));
    const auto why = server_field("slave1", "retry_msg");
    // The probe, or the rndc status right after it if named went away in between.
    EXPECT_TRUE(why.find("SOA probe") != std::string::npos ||
                why.find("rndc -s slave1 status") != std::string::npos)
        << why;
    EXPECT_NE(why.find(s.address()), std::string::npos) << why;
    ASSERT_TRUE(s.start_named());
    EXPECT_TRUE(server_state_is("slave1", "OK", 30s)) << server_field("slave1", "retry_msg");
    EXPECT_EQ(server_field("slave1", "coalesce(retry_msg, '')"), "");
}

TEST_F(DmsSlaves, AWrongRsyncPasswordIsRetryAndChangesNothingOnTheSlave) {
    auto& s = *m_slaves[0];
    ASSERT_EQ(zt({"create_zone", "before.test."}).status, 0);
    ASSERT_TRUE(wait_for([&] { return served("before.test."); }));
    add_slave(s);
    ASSERT_TRUE(server_state_is("slave1", "OK")) << server_field("slave1", "retry_msg");
    ASSERT_TRUE(s.wait_serial("before.test.", std::nullopt, 20s));
    const auto config_before = read_text(s.config_dir() / "bind9.conf");

    s.set_password("another-password");
    ASSERT_EQ(zt({"create_zone", "after.test."}).status, 0);
    ASSERT_TRUE(server_state_is("slave1", "RETRY"));
    const auto why = server_field("slave1", "retry_msg");
    EXPECT_NE(why.find("rsync"), std::string::npos) << why;
    EXPECT_NE(why.find("auth failed"), std::string::npos) << why;
    EXPECT_EQ(why.find("sandbox-test-password"), std::string::npos) << "no secret in messages";
    EXPECT_EQ(read_text(s.config_dir() / "bind9.conf"), config_before);
    EXPECT_FALSE(s.lists_zone("after.test."));

    s.set_password("sandbox-test-password");
    EXPECT_TRUE(server_state_is("slave1", "OK", 30s));
    EXPECT_TRUE(s.wait_serial("after.test.", std::nullopt, 20s));
}

TEST_F(DmsSlaves, ADisabledServersPendingEventsDoNothing) {
    auto& s = *m_slaves[0];
    add_slave(s);
    ASSERT_TRUE(server_state_is("slave1", "OK"));
    ASSERT_EQ(zt({"disable_server", "slave1"}).status, 0);
    EXPECT_EQ(server_field("slave1", "state"), "DISABLED");
    // Whatever was pending for it (the periodic check) runs as a no-op.
    EXPECT_TRUE(wait_for(
        [&] {
            return sql_value(
                       "SELECT count(*) FROM sm_event_queue e JOIN sm_servers s ON "
                       "s.id = e.server_id WHERE s.name = 'slave1' AND e.processed IS NULL") == "0";
        },
        10s));
    EXPECT_NE(sql_value("SELECT count(*) FROM sm_event_queue e JOIN sm_servers s ON s.id = "
                        "e.server_id WHERE s.name = 'slave1' AND e.results->>'message' LIKE "
                        "'no transition%'"),
              "0");
    EXPECT_EQ(server_field("slave1", "state"), "DISABLED");
    // Enabling twice is refused with the machine's error.
    ASSERT_EQ(zt({"enable_server", "slave1"}).status, 0);
    const auto again = zt({"enable_server", "slave1"});
    EXPECT_NE(again.status, 0);
    EXPECT_NE(again.err.find("already enabled"), std::string::npos) << again.err;
}

TEST_F(DmsSlaves, AZoneMovedToAnotherSgIsServedByTheNewSgOnly) {
    ASSERT_EQ(zt({"create_sg", "second-sg"}).status, 0);
    add_slave(*m_slaves[0], "someorg-one");
    add_slave(*m_slaves[1], "second-sg");
    ASSERT_TRUE(server_state_is("slave1", "OK"));
    ASSERT_TRUE(server_state_is("slave2", "OK"));
    ASSERT_EQ(zt({"create_zone", "moving.test."}).status, 0);
    ASSERT_TRUE(m_slaves[0]->wait_serial("moving.test.", std::nullopt, 20s));
    EXPECT_FALSE(m_slaves[1]->lists_zone("moving.test."));

    // dupe -> both serve it; swap -> the new SG is primary; delete alt -> only it.
    ASSERT_EQ(zt({"dupe_zone_alt_sg", "moving.test.", "second-sg"}).status, 0);
    EXPECT_TRUE(m_slaves[1]->wait_serial("moving.test.", std::nullopt, 20s));
    EXPECT_TRUE(m_slaves[0]->lists_zone("moving.test."));
    ASSERT_EQ(zt({"swap_zone_sg", "moving.test."}).status, 0);
    ASSERT_EQ(zt({"delete_zone_alt_sg", "moving.test."}).status, 0);
    EXPECT_TRUE(wait_for([&] { return !m_slaves[0]->lists_zone("moving.test."); }, 20s));
    EXPECT_TRUE(wait_for([&] { return !m_slaves[0]->serial("moving.test."); }, 20s))
        << "the old SG's slave still serves it";
    EXPECT_TRUE(m_slaves[1]->serial("moving.test."));
}

TEST_F(DmsSlaves, AdminConfigIsSentBesideTheSgConfigAndBothStay) {
    auto& s = *m_slaves[0];
    std::filesystem::create_directories(m_dir.path() / "admin" / "bind9");
    m_dir.write("admin/bind9/options.conf", "# options for the slaves\n");
    add_slave(s);
    ASSERT_TRUE(server_state_is("slave1", "OK")) << server_field("slave1", "retry_msg");
    const auto r = zt({"rsync_server_admin_config", "slave1"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("rndc reconfig done"), std::string::npos) << r.out;
    EXPECT_EQ(read_text(s.config_dir() / "options.conf"), "# options for the slaves\n");
    // The SG's next config does not delete it, and the admin config kept bind9.conf.
    ASSERT_EQ(zt({"create_zone", "admin.test."}).status, 0);
    ASSERT_TRUE(s.wait_serial("admin.test.", std::nullopt, 20s));
    EXPECT_TRUE(std::filesystem::exists(s.config_dir() / "options.conf"));
    const auto bad = zt({"rsync_server_admin_config", "slave1", "norndc"});
    EXPECT_NE(bad.status, 0);
    EXPECT_NE(bad.err.find("no_rndc"), std::string::npos) << bad.err;
}

} // namespace
} // namespace dms::test
