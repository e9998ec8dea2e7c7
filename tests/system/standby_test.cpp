// SPDX-License-Identifier: GPL-3.0-or-later
// dms on a DR pair's databases (docs/disaster-recovery.md): a real PostgreSQL primary
// and a hot standby streaming from it. zone_tool reads on the standby and refuses
// changes; dmsd waits on a standby and starts once it is promoted; dmsd is fenced when
// its database, or its promoted partner's, names another node as the active master;
// promote_replica promotes and is idempotent. The whole fail-over with named and slaves
// is tests/system/failover_test.sh, on the sandbox.
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "dms/core/process.hpp"

#include "child_process.hpp"
#include "named_fixture.hpp"
#include "pg_server.hpp"
#include "temp_dir.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) {
        ++n;
    }
    return n;
}

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 60s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) {
            return true;
        }
        std::this_thread::sleep_for(50ms);
    }
    return cond();
}

class Standby : public ::testing::Test {
protected:
    void SetUp() override {
        DMS_REQUIRE_TOOLS(pg_server_missing());
        ASSERT_TRUE(m_primary.start());
        m_primary_conf = conf("master", m_primary);
        const auto keys = {std::pair{"update-ddns", "update-session.key"},
                           std::pair{"rndc-key", "rndc-local.key"}};
        for (const auto& [name, file] : keys) {
            const auto r =
                zone_tool(m_primary_conf, {"generate_tsig_key", "-f", name, "hmac-sha256",
                                           (m_dir.path() / file).string()});
            ASSERT_TRUE(r.ok()) << r.err;
        }
        const auto created = zone_tool(m_primary_conf, {"create_db"});
        ASSERT_TRUE(created.ok()) << created.out << created.err;
        ASSERT_TRUE(m_standby.start_as_standby_of(m_primary));
        m_standby_conf = conf("replica", m_standby);
    }

    void TearDown() override {
        for (auto* d : {&m_dmsd, &m_dmsd2}) {
            d->stop();
        }
        if (HasFailure()) {
            for (const auto* log : {"master.log", "replica.log"}) {
                std::cerr << "---- " << log << ":\n" << read_all(m_dir.path() / log);
            }
            std::cerr << "---- primary:\n"
                      << m_primary.log_tail() << "---- standby:\n"
                      << m_standby.log_tail();
        }
    }

    /// dms.conf of one site: its database, its node name, dmsd's files in the test dir.
    std::string conf(const std::string& node, const PgServer& pg, const std::string& extra = "") {
        const auto d = m_dir.path().string();
        std::filesystem::create_directories(m_dir.path() / node / "master-config");
        std::filesystem::create_directories(m_dir.path() / node / "dynamic");
        return m_dir.write(
            node + ".conf",
            fmt::format("[DEFAULT]\ndb_host = {}\ndb_port = {}\ndb_user = {}\ndb_name = dms\n"
                        "node_name = {}\nlog_target = stderr\n"
                        "master_dns_address = 127.0.0.1\nmaster_dns_port = {}\n"
                        "dns_query_timeout = 1\n"
                        "dyndns_key_file = {d}/update-session.key\n"
                        "rndc_key_file = {d}/rndc-local.key\nrndc_remote_key_file =\n"
                        "rndc_conf_file = {d}/{n}/rndc.conf\nrndc_timeout = 2\n"
                        "rndc_header_template = {s}/templates/config/rndc.conf-header\n"
                        "rndc_server_template = {s}/templates/config/rndc.conf-server\n"
                        "master_template_dir = {s}/templates/master\n"
                        "master_config_dir = {d}/{n}/master-config\n"
                        "master_dyndns_dir = {d}/{n}/dynamic\n"
                        "server_template_dir = {s}/templates/server\ndms_sg_dir = {d}/{n}/sg\n"
                        "dmsd_pid_file = {d}/{n}/dmsd.pid\n{}"
                        "[dmsd]\nlog_level = debug\nstandby_check_interval = 0.2\n",
                        pg.host(), pg.port(), pg.user(), node, free_port(), extra, fmt::arg("d", d),
                        fmt::arg("n", node), fmt::arg("s", DMS_SOURCE_DIR)));
    }

    static ProcessResult zone_tool(const std::string& conf, std::vector<std::string> args) {
        args.insert(args.begin(), {std::string(DMS_BIN_DIR) + "/zone_tool", "-c", conf});
        RunOptions o;
        o.timeout = 120s;
        return run_process(args, o);
    }

    static ProcessResult dmsd_once(const std::string& conf) {
        RunOptions o;
        o.timeout = 60s;
        return run_process({std::string(DMS_BIN_DIR) + "/dmsd", "-c", conf}, o);
    }

    void start_dmsd(ChildProcess& p, const std::string& conf, const std::string& log,
                    bool force = false) {
        std::vector<std::string> argv{std::string(DMS_BIN_DIR) + "/dmsd", "-c", conf};
        if (force) {
            argv.emplace_back("--force");
        }
        const auto why = p.start(argv, (m_dir.path() / log).string());
        ASSERT_EQ(why, "");
    }

    std::string log(const std::string& name) const { return read_all(m_dir.path() / name); }

    /// First column of the first row of `sql` on `pg`'s dms database ("(null)" for NULL).
    static std::string value(const PgServer& pg, const std::string& sql) {
        pqxx::connection c(pg.conninfo("dms"));
        pqxx::work w(c);
        const auto r = w.exec1(sql);
        w.commit();
        return r[0].is_null() ? "(null)" : r[0].c_str();
    }

    TempDir m_dir;
    PgServer m_primary;
    PgServer m_standby;
    std::string m_primary_conf;
    std::string m_standby_conf;
    ChildProcess m_dmsd;
    ChildProcess m_dmsd2;
};

TEST_F(Standby, ZoneToolReadsOnTheStandbyAndRefusesChanges) {
    ASSERT_TRUE(zone_tool(m_primary_conf, {"create_zone", "a.test."}).ok());
    ASSERT_TRUE(wait_for([&] {
        const auto r = zone_tool(m_standby_conf, {"ls"});
        return r.ok() && r.out.find("a.test.") != std::string::npos;
    })) << "the zone never reached the standby";

    const auto status = zone_tool(m_standby_conf, {"show_dms_status"});
    ASSERT_TRUE(status.ok()) << status.err;
    EXPECT_NE(status.out.find("hot standby (read-only replica)"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("receiver streaming"), std::string::npos) << status.out;
    const auto primary = zone_tool(m_primary_conf, {"show_dms_status"});
    ASSERT_TRUE(primary.ok()) << primary.err;
    EXPECT_NE(primary.out.find("primary, 1 standby"), std::string::npos) << primary.out;
    EXPECT_NE(primary.out.find("streaming"), std::string::npos) << primary.out;

    const auto show = zone_tool(m_standby_conf, {"show_zone", "a.test."});
    EXPECT_TRUE(show.ok()) << show.err;

    const auto refused = zone_tool(m_standby_conf, {"create_zone", "b.test."});
    EXPECT_EQ(refused.exit_code, 69) << refused.out << refused.err;
    EXPECT_NE(refused.err.find("read-only replica"), std::string::npos) << refused.err;
    const auto refused_set = zone_tool(m_standby_conf, {"set_zone", "a.test.", "nsec3"});
    EXPECT_EQ(refused_set.exit_code, 69) << refused_set.out << refused_set.err;
    // The daily vacuum on a replica: refused before it deletes anything, saying why.
    const auto vacuum = zone_tool(m_standby_conf, {"vacuum_all"});
    EXPECT_EQ(vacuum.exit_code, 69) << vacuum.out << vacuum.err;
    EXPECT_NE(vacuum.err.find("vacuum runs on the live master only"), std::string::npos)
        << vacuum.err;
    EXPECT_TRUE(zone_tool(m_primary_conf, {"vacuum_all"}).ok());
}

TEST_F(Standby, DmsdWaitsOnAStandbyAndStartsWhenItIsPromoted) {
    start_dmsd(m_dmsd, m_standby_conf, "replica.log");
    ASSERT_TRUE(
        wait_for([&] { return log("replica.log").find("is a hot standby") != std::string::npos; }));
    // Still waiting, not working and not gone: a second dmsd finds the PID file held.
    const auto second = dmsd_once(m_standby_conf);
    EXPECT_EQ(second.exit_code, 75) << second.err;
    ASSERT_TRUE(m_dmsd.running()) << m_dmsd.exit_text();

    ASSERT_TRUE(m_standby.promote());
    ASSERT_TRUE(wait_for(
        [&] { return log("replica.log").find("was promoted after") != std::string::npos; }));
    // Past the gate: dmsd recorded this node as the master.
    ASSERT_TRUE(wait_for([&] {
        return value(m_standby, "SELECT coalesce(master_hostname, '') FROM sm_master") == "replica";
    }));
    EXPECT_EQ(count(log("replica.log"), "is a hot standby"), 1U) << log("replica.log");
    EXPECT_EQ(m_dmsd.stop(), "exit status 0");
}

TEST_F(Standby, DmsdStopsCleanlyWhileWaitingOnAStandby) {
    start_dmsd(m_dmsd, m_standby_conf, "replica.log");
    ASSERT_TRUE(
        wait_for([&] { return log("replica.log").find("is a hot standby") != std::string::npos; }));
    EXPECT_EQ(m_dmsd.stop(), "exit status 0");
    EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "replica" / "dmsd.pid"));
}

TEST_F(Standby, DmsdIsFencedWhenItsDatabaseNamesAnotherMaster) {
    value(m_primary, "UPDATE sm_master SET master_hostname = 'elsewhere' RETURNING 1");
    const auto r = dmsd_once(m_primary_conf);
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_NE(r.err.find("fenced"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'elsewhere'"), std::string::npos) << r.err;
    EXPECT_EQ(value(m_primary, "SELECT master_hostname FROM sm_master"), "elsewhere");

    start_dmsd(m_dmsd, m_primary_conf, "master.log", true);
    ASSERT_TRUE(wait_for([&] {
        return value(m_primary, "SELECT coalesce(master_hostname, '') FROM sm_master") == "master";
    })) << "dmsd --force did not take over";
    EXPECT_NE(log("master.log").find("--force"), std::string::npos);
}

TEST_F(Standby, PromoteReplicaPromotesOnceAndTheOldMasterIsFenced) {
    // The master site's dmsd, with the replica as its DR partner: a standby does not
    // fence it.
    const auto master_conf = conf("master", m_primary,
                                  fmt::format("dr_partner_db_host = {}\ndr_partner_db_port = {}\n",
                                              m_standby.host(), m_standby.port()));
    start_dmsd(m_dmsd, master_conf, "master.log");
    ASSERT_TRUE(wait_for([&] {
        return value(m_primary, "SELECT coalesce(master_hostname, '') FROM sm_master") == "master";
    })) << log("master.log");
    EXPECT_NE(log("master.log").find("is a hot standby: this site is the master"),
              std::string::npos);
    EXPECT_EQ(m_dmsd.stop(), "exit status 0");
    ASSERT_TRUE(wait_for([&] {
        return value(m_standby, "SELECT coalesce(master_hostname, '') FROM sm_master") == "master";
    }));

    // A zone the master published just before it was lost, whose file never reached the
    // replica (no named here: published by hand in the database).
    ASSERT_TRUE(zone_tool(m_primary_conf, {"create_zone", "late.test."}).ok());
    value(m_primary, "UPDATE sm_zone SET state = 'PUBLISHED', zi_id = zi_candidate_id,"
                     " soa_serial = 2026120705 WHERE name = 'late.test.' RETURNING 1");
    ASSERT_TRUE(wait_for([&] {
        return value(m_standby, "SELECT count(*) FROM sm_zone WHERE name = 'late.test.'"
                                " AND soa_serial = 2026120705") == "1";
    }));

    // The master site is lost; the replica takes over.
    m_primary.stop(PgServer::StopMode::immediate);
    const auto p = zone_tool(m_standby_conf, {"promote_replica", "-f"});
    ASSERT_TRUE(p.ok()) << p.out << p.err;
    EXPECT_NE(p.out.find("promoted database"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("recorded node 'replica' as the active master (was 'master')"),
              std::string::npos)
        << p.out;
    EXPECT_NE(p.out.find("wrote the master named's includes"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("wrote 1 zone files this site never received (e.g. late.test.)"),
              std::string::npos)
        << p.out;
    const auto late = read_all(m_dir.path() / "replica" / "dynamic" / "late.test");
    EXPECT_NE(late.find("2026120705"), std::string::npos) << "its published serial\n" << late;
    EXPECT_TRUE(std::filesystem::exists(m_dir.path() / "replica" / "master-config" / "zones.conf"));
    EXPECT_TRUE(std::filesystem::exists(m_dir.path() / "replica" / "rndc.conf"));
    const auto again = zone_tool(m_standby_conf, {"promote_replica", "-f"});
    ASSERT_TRUE(again.ok()) << again.out << again.err;
    EXPECT_NE(again.out.find("is a primary already"), std::string::npos) << again.out;
    EXPECT_NE(again.out.find("node 'replica' was the active master already"), std::string::npos)
        << again.out;
    // Changes work on the promoted replica.
    EXPECT_TRUE(zone_tool(m_standby_conf, {"create_zone", "after.test."}).ok());

    // The old master comes back: its own database still names it, but its partner was
    // promoted later and names the replica.
    ASSERT_TRUE(m_primary.start());
    const auto fenced = dmsd_once(master_conf);
    EXPECT_EQ(fenced.exit_code, 75) << fenced.err;
    EXPECT_NE(fenced.err.find("fenced: the partner database"), std::string::npos) << fenced.err;
    EXPECT_NE(fenced.err.find("'replica'"), std::string::npos) << fenced.err;
    // The replica's dmsd is not fenced by the old master coming back.
    const auto replica_conf = conf("replica", m_standby,
                                   fmt::format("dr_partner_db_host = {}\ndr_partner_db_port = {}\n",
                                               m_primary.host(), m_primary.port()));
    start_dmsd(m_dmsd2, replica_conf, "replica.log");
    ASSERT_TRUE(wait_for([&] {
        return log("replica.log").find("a primary too") != std::string::npos || !m_dmsd2.running();
    })) << log("replica.log");
    EXPECT_TRUE(m_dmsd2.running()) << m_dmsd2.exit_text() << log("replica.log");
}

} // namespace
} // namespace dms::test
