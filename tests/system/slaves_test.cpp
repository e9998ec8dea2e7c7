// SPDX-License-Identifier: GPL-3.0-or-later
// Server groups and slaves end to end (issue 5): PostgreSQL, a master named, dmsd and
// two slave named servers with rsync daemons, all on loopback with free ports. Zones
// are configured with zone_tool; dmsd renders the SG's config, rsyncs it to the
// slaves, runs rndc -s <server> reconfig, probes them and checks their serials.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>

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
               "master_rndc_settle_delay = 0\nserver_lag_grace = 1\nserver_repair_wait = 1\n";
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

    /// A new record in `zone` (load_zone_zi of its text plus one line); the new serial
    /// once the master serves it.
    std::optional<std::uint32_t> change_zone(const std::string& zone, const std::string& line) {
        const auto before = master_serial(zone);
        const auto text = zt({"show_zone", zone});
        EXPECT_EQ(text.status, 0) << text.err;
        const auto file = m_dir.write("change.zone", text.out + line + "\n");
        const auto r = zt({"load_zone_zi", file, zone});
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_TRUE(wait_for([&] { return master_serial(zone) != before; })) << zone;
        return master_serial(zone);
    }
    /// Waits until the master's NOTIFY of `zone` to the stopped `slave` failed (sent
    /// after named's notify delay; a restarted slave could get it otherwise). named
    /// logs that at debug level 3: `rndc trace 3` before the change.
    bool notify_missed(const std::string& zone, const SlaveServer& slave) {
        const auto line =
            fmt::format("zone {}/IN: notify to {}#{} failed", zone.substr(0, zone.size() - 1),
                        slave.address(), slave.dns_port());
        return wait_for([&] { return m_named.log().find(line) != std::string::npos; });
    }
    /// The message of the latest finished CheckServer of `name`.
    std::string last_check_message(const std::string& name) {
        return sql_value("SELECT e.results->>'message' FROM sm_event_queue e JOIN sm_servers s"
                         " ON s.id = e.server_id WHERE s.name = '" +
                         name +
                         "' AND e.event_type = 'ServerSMCheckServer' AND e.processed IS NOT NULL"
                         " ORDER BY e.processed DESC, e.id DESC LIMIT 1");
    }

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

// The DR replica's named (a server of the replica SG) is listed after the master in the
// other SGs' stanzas: after a fail-over the slaves take NOTIFY and transfers from it
// before dmsd has reconfigured them. The replica's own stanza keeps its zone file in
// dynamic/, text format, for its named to serve as the master after promotion.
TEST_F(DmsSlaves, TheReplicaIsTheSlavesAlternateMaster) {
    ASSERT_EQ(zt({"create_sg", "-p", "replica-sg"}).status, 0);
    add_slave(*m_slaves[0]);
    add_slave(*m_slaves[1], "replica-sg");
    ASSERT_EQ(zt({"create_zone", "alt.test."}).status, 0);
    ASSERT_TRUE(wait_for([&] { return served("alt.test."); }, 60s));
    const auto serial = master_serial("alt.test.");
    ASSERT_TRUE(m_slaves[0]->wait_serial("alt.test.", serial, 60s))
        << m_slaves[0]->named_log_tail(20);
    const auto slave_conf = read_text(m_slaves[0]->config_dir() / "bind9.conf");
    EXPECT_NE(
        slave_conf.find(fmt::format("masters {{ 127.0.0.1 port {}; {} port {}; }};", m_named.port(),
                                    m_slaves[1]->address(), m_slaves[1]->dns_port())),
        std::string::npos)
        << slave_conf;
    // The replica's config came once when it was enabled (no zones yet), then again with
    // the zone: wait for that one.
    ASSERT_TRUE(wait_for(
        [&] {
            const auto f = m_slaves[1]->config_dir() / "bind9-replica.conf";
            return std::filesystem::exists(f) && read_text(f).find("alt.test") != std::string::npos;
        },
        60s))
        << "the replica's config never listed alt.test.";
    const auto replica_conf = read_text(m_slaves[1]->config_dir() / "bind9-replica.conf");
    EXPECT_NE(replica_conf.find("file \"dynamic/alt.test\";"), std::string::npos) << replica_conf;
    EXPECT_NE(replica_conf.find(fmt::format("masters {{ 127.0.0.1 port {}; }};", m_named.port())),
              std::string::npos)
        << "the replica transfers from the master alone\n"
        << replica_conf;
    // A disabled replica server is no alternate.
    ASSERT_EQ(zt({"disable_server", m_slaves[1]->name()}).status, 0);
    ASSERT_EQ(zt({"reconfig_sg", "someorg-one"}).status, 0);
    EXPECT_TRUE(wait_for(
        [&] {
            return read_text(m_slaves[0]->config_dir() / "bind9.conf")
                       .find(fmt::format("masters {{ 127.0.0.1 port {}; }};", m_named.port())) !=
                   std::string::npos;
        },
        60s))
        << read_text(m_slaves[0]->config_dir() / "bind9.conf");
}

// A zone signed by dnssec-policy validates on both slaves with the DS show_dnssec prints
// as the only trust anchor (delv), and so do a record added later, a name that does not
// exist (NSEC, then NSEC3); a wrong DS does not validate.
TEST_F(DmsSlaves, ASignedZoneValidatesOnBothSlavesWithTheDsOfShowDnssec) {
    DMS_REQUIRE_TOOLS(installed_program("delv").empty() ? std::string("delv not installed")
                                                        : std::string());
    for (const auto& s : m_slaves) {
        add_slave(*s);
    }
    ASSERT_EQ(zt({"create_zone", "sig.test."}).status, 0);
    ASSERT_TRUE(wait_for([&] { return served("sig.test."); }, 60s));
    ASSERT_EQ(zt({"set_zone", "sig.test.", "auto_dnssec"}).status, 0);
    // The SHA-256 DS, once named serves the key.
    std::string ds;
    ASSERT_TRUE(wait_for(
        [&] {
            const auto shown = zt({"show_dnssec", "sig.test."});
            std::istringstream in(shown.out);
            std::string line;
            while (std::getline(in, line)) {
                if (const auto p = line.find(" IN DS "); p != std::string::npos) {
                    const auto rdata = line.substr(p + 7);
                    if (rdata.find(" 13 2 ") != std::string::npos) {
                        ds = rdata;
                    }
                }
            }
            return !ds.empty();
        },
        60s))
        << zt({"show_dnssec", "sig.test."}).out;
    // "TAG ALG TYPE HEX" -> a delv trust anchor.
    std::istringstream fields(ds);
    std::string tag, alg, type, hex;
    fields >> tag >> alg >> type >> hex;
    const auto anchor = m_dir.write(
        "anchor.conf", fmt::format("trust-anchors {{ sig.test. static-ds {} {} {} \"{}\"; }};\n",
                                   tag, alg, type, hex));
    const auto validates = [&](const SlaveServer& s, const std::string& name,
                               const std::string& rrtype, const std::string& anchor_file,
                               const std::string& want) {
        RunOptions o;
        o.timeout = 20s;
        const auto r =
            run_process({installed_program("delv"), "-a", anchor_file, "+root=sig.test.",
                         "@" + s.address(), "-p", std::to_string(s.dns_port()), name, rrtype},
                        o);
        return r.out.find(want) != std::string::npos;
    };
    for (const auto& s : m_slaves) {
        EXPECT_TRUE(wait_for(
            [&] { return validates(*s, "sig.test.", "SOA", anchor, "; fully validated"); }, 60s))
            << s->name() << " does not serve sig.test. validated";
    }
    // A wrong DS: nothing validates.
    auto wrong_hex = hex;
    wrong_hex[0] = wrong_hex[0] == '0' ? '1' : '0';
    const auto wrong = m_dir.write(
        "wrong.conf", fmt::format("trust-anchors {{ sig.test. static-ds {} {} {} \"{}\"; }};\n",
                                  tag, alg, type, wrong_hex));
    EXPECT_FALSE(validates(*m_slaves[0], "sig.test.", "SOA", wrong, "; fully validated"));

    // A record added later is signed and validates on both slaves.
    change_zone("sig.test.", "www 300 IN A 192.0.2.55");
    for (const auto& s : m_slaves) {
        EXPECT_TRUE(wait_for(
            [&] { return validates(*s, "www.sig.test.", "A", anchor, "; fully validated"); }, 60s))
            << s->name();
    }
    // Denial of existence, NSEC then NSEC3.
    for (const auto& s : m_slaves) {
        EXPECT_TRUE(wait_for(
            [&] {
                return validates(*s, "nope.sig.test.", "A", anchor,
                                 "; negative response, fully validated");
            },
            60s))
            << s->name();
    }
    ASSERT_EQ(zt({"set_zone", "sig.test.", "auto_dnssec", "nsec3"}).status, 0);
    for (const auto& s : m_slaves) {
        EXPECT_TRUE(wait_for(
            [&] {
                RunOptions o;
                o.timeout = 10s;
                const auto r =
                    run_process({installed_program("dig"), "+short", "+norec", "@" + s->address(),
                                 "-p", std::to_string(s->dns_port()), "sig.test.", "NSEC3PARAM"},
                                o);
                return r.ok() && !r.out.empty();
            },
            60s))
            << s->name() << " serves no NSEC3PARAM";
        EXPECT_TRUE(wait_for(
            [&] {
                return validates(*s, "nope2.sig.test.", "A", anchor,
                                 "; negative response, fully validated");
            },
            60s))
            << s->name();
    }
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

// Issue 11 item 4: a slave that was down while zones changed serves the old serials
// after its restart (named takes its zone files as fresh and waits for the SOA refresh,
// 2 h); dmsd's check sees the zones behind and repairs them by itself: NOTIFY again,
// then rndc retransfer for what the NOTIFY did not bring. No zone changes meanwhile.
TEST_F(DmsSlaves, ASlaveThatMissedChangesIsBroughtUpToDateByDmsd) {
    auto& s = *m_slaves[0];
    add_slave(s);
    ASSERT_TRUE(server_state_is("slave1", "OK")) << server_field("slave1", "retry_msg");
    const std::vector<std::string> zones{"heal1.test.", "heal2.test.", "heal3.test.",
                                         "steady.test."};
    for (const auto& z : zones) {
        ASSERT_EQ(zt({"create_zone", z}).status, 0);
    }
    for (const auto& z : zones) {
        ASSERT_TRUE(wait_for([&] { return served(z); })) << z;
        ASSERT_TRUE(s.wait_serial(z, master_serial(z), 20s)) << z;
    }
    ASSERT_TRUE(wait_for([&] { return server_field("slave1", "lagging_zones") == "0"; }, 20s));
    ASSERT_EQ(server_field("slave1", "repairs"), "0") << "nothing to repair yet";

    ASSERT_TRUE(m_named.rndc({"trace", "3"}).ok());
    s.stop_named();
    std::map<std::string, std::optional<std::uint32_t>> changed;
    for (int i = 0; i < 3; ++i) {
        changed[zones[i]] = change_zone(zones[i], fmt::format("new{} A 192.0.2.{}", i, 10 + i));
    }
    for (const auto& [z, serial] : changed) {
        ASSERT_TRUE(notify_missed(z, s)) << z;
    }
    ASSERT_TRUE(s.start_named());
    for (const auto& [z, serial] : changed) {
        EXPECT_TRUE(s.wait_serial(z, serial, 60s))
            << z << ": the slave serves " << s.serial(z).value_or(0) << ", the master "
            << serial.value_or(0) << "\n"
            << s.named_log_tail(20);
    }
    // The restarted named may fetch a zone or two by itself before dmsd's check comes
    // (its own refresh of secondaries it loaded, a late NOTIFY retry): dmsd repairs the
    // rest. Each zone dmsd names as behind is one of the changed ones.
    EXPECT_TRUE(wait_for(
        [&] {
            return std::stoll(server_field("slave1", "repairs")) >= 1 &&
                   server_field("slave1", "lagging_zones") == "0";
        },
        30s))
        << "repairs " << server_field("slave1", "repairs") << ", lagging "
        << server_field("slave1", "lagging_zones");
    const auto log = read_text(m_dmsd_log);
    EXPECT_THAT(log, ::testing::ContainsRegex("server slave1 repair: [123] of 4 zones behind the "
                                              "master"));
    std::size_t named = 0;
    for (const auto& [z, serial] : changed) {
        named += log.find(z + " (serial ") != std::string::npos ? 1 : 0;
    }
    EXPECT_GE(named, 1U) << log;
    EXPECT_EQ(log.find("steady.test. (serial"), std::string::npos) << "it was in step";
    const auto status = zt({"show_dms_status"});
    ASSERT_EQ(status.status, 0) << status.err;
    EXPECT_NE(status.out.find("repairs"), std::string::npos) << status.out;
    const auto ls = zt({"ls_server", "-v", "slave1"});
    EXPECT_NE(ls.out.find("repairs"), std::string::npos) << ls.out;
}

// The check compares every zone the server serves: its count is the server's, not a
// sample's (the check used to ask 100 zones at random).
TEST_F(DmsSlaves, TheCheckComparesEveryZoneOfTheServer) {
    auto& s = *m_slaves[0];
    add_slave(s);
    ASSERT_TRUE(server_state_is("slave1", "OK")) << server_field("slave1", "retry_msg");
    constexpr int total = 120;
    std::vector<std::string> args{"load_zones", "-f"};
    for (int i = 0; i < total; ++i) {
        args.push_back(m_dir.write(fmt::format("c{:03}.count.test", i),
                                   "$TTL 300\n@ SOA ns1 hostmaster 1 2h 900 7d 1h\n"
                                   "@ NS ns1\nns1 A 192.0.2.1\n"));
    }
    const auto loaded = zt(args);
    ASSERT_EQ(loaded.status, 0) << loaded.err;
    ASSERT_TRUE(wait_for(
        [&] {
            return sql_value("SELECT count(*) FROM sm_zone WHERE state = 'PUBLISHED'") ==
                   std::to_string(total);
        },
        60s));
    ASSERT_TRUE(s.wait_serial("c119.count.test.", std::nullopt, 60s));
    const auto want = fmt::format("0 of {} behind the master", total);
    EXPECT_TRUE(
        wait_for([&] { return last_check_message("slave1").find(want) != std::string::npos; }, 60s))
        << last_check_message("slave1");
    // The last zone changed while the slave is down: found and repaired, out of 120.
    ASSERT_TRUE(m_named.rndc({"trace", "3"}).ok());
    s.stop_named();
    const auto serial = change_zone("c119.count.test.", "extra A 192.0.2.9");
    ASSERT_TRUE(notify_missed("c119.count.test.", s));
    ASSERT_TRUE(s.start_named());
    EXPECT_TRUE(s.wait_serial("c119.count.test.", serial, 60s));
    EXPECT_TRUE(wait_for(
        [&] {
            return read_text(m_dmsd_log)
                       .find(fmt::format("server slave1 repair: 1 of {} zones behind", total)) !=
                   std::string::npos;
        },
        30s));
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
