// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool event, master, serial and key commands against a throwaway database (no
// dmsd: these commands only record and queue; tests/system runs dmsd).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/process.hpp"

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

class EventCommands : public ZoneToolDbTest {
protected:
    std::string id_of(const std::string& type) {
        return sql_value("SELECT id FROM sm_event_queue WHERE event_type = '" + type +
                         "' ORDER BY id DESC LIMIT 1");
    }
    /// A zone made PUBLISHED by hand, as dmsd would have left it.
    void published(const std::string& zone, std::int64_t serial) {
        ASSERT_EQ(zt({"create_zone", zone}).status, 0);
        sql("UPDATE sm_zone SET state = 'PUBLISHED', soa_serial = " + std::to_string(serial) +
            " WHERE name = '" + zone + "'");
        sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE processed IS "
            "NULL");
    }
};

TEST_F(EventCommands, ListShowAndFailEvents) {
    ASSERT_EQ(zt({"create_zone", "ev.test."}).status, 0);
    const auto config = id_of("ZoneSMConfig");
    const auto pending = zt({"ls_pending_events", "-v"});
    ASSERT_EQ(pending.status, 0) << pending.err;
    EXPECT_THAT(pending.out, HasSubstr(config));
    EXPECT_THAT(pending.out, HasSubstr("ZoneSMConfig"));
    const auto show = zt({"show_event", config});
    ASSERT_EQ(show.status, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr("ev.test."));
    EXPECT_THAT(show.out, HasSubstr("NEW"));
    EXPECT_EQ(zt({"show_event", "999999"}).status, 68);

    const auto failed = zt({"fail_event", "-f", config});
    ASSERT_EQ(failed.status, 0) << failed.err;
    EXPECT_EQ(sql_value("SELECT state FROM sm_event_queue WHERE id = " + config), "FAILURE");
    EXPECT_THAT(sql_value("SELECT results->>'message' FROM sm_event_queue WHERE id = " + config),
                HasSubstr("failed by"));
    // Only pending events can be failed; the refusal changes nothing.
    EXPECT_EQ(zt({"fail_event", "-f", config}).status, 65);
    EXPECT_EQ(sql_value("SELECT count(*) FROM dms_audit.audit_log WHERE operation = 'fail_event'"),
              "1");
    const auto list = zt({"ls_failed_events"});
    EXPECT_THAT(list.out, HasSubstr("ZoneSMConfig"));
    EXPECT_THAT(list.out, HasSubstr("failed by"));
    const auto all = zt({"ls_events", "-v", "5"});
    EXPECT_THAT(all.out, HasSubstr("ZoneSMDoConfig"));
    EXPECT_EQ(zt({"ls_events", "x"}).status, 64);
    const auto json = zt({"ls_failed_events", "--json"});
    EXPECT_THAT(json.out, HasSubstr("\"event_type\": \"ZoneSMConfig\""));
}

TEST_F(EventCommands, MasterCommandsQueueAndReport) {
    ASSERT_EQ(zt({"reconfig_master"}).status, 0);
    ASSERT_EQ(zt({"reconfig_master"}).status, 0);
    // The second request merged into the first (coalescing).
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue WHERE event_type = "
                        "'MasterSMMasterReconfig'"),
              "1");
    ASSERT_EQ(zt({"reset_master"}).status, 0);
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue WHERE event_type = 'MasterSMReset'"),
              "1");
    sql("UPDATE sm_master SET state = 'HOLD', hold_start = now(), hold_stop = now() + "
        "interval '1 minute', hold_sg = -2");
    const auto st = zt({"show_master_status", "-v"});
    ASSERT_EQ(st.status, 0) << st.err;
    EXPECT_THAT(st.out, HasSubstr("HOLD_SG_ALL"));
    EXPECT_THAT(st.out, ContainsRegex("pending_events: +2\n"));
    // Holding without its timeout event: shown, for the reconciler to repair.
    EXPECT_THAT(st.out, HasSubstr("MISSING"));
}

// Issue 14: set_zone auto_dnssec cannot rely on a reconfiguration already queued or
// running (it may have read the zone's stanza before the change, in any state): it
// queues one of its own, never merged, so named gets the policy after the commit.
TEST_F(EventCommands, ChangingDnssecQueuesAReconfigurationOfItsOwn) {
    const auto partial = [&] {
        return sql_value("SELECT count(*) FROM sm_event_queue WHERE processed IS NULL AND "
                         "event_type = 'MasterSMPartialReconfig' AND parameters->>'sg_name' = "
                         "'someorg-one'");
    };
    ASSERT_EQ(zt({"create_zone", "new.test."}).status, 0);
    sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE processed IS NULL");
    // One pending already, as when a reconfiguration was asked for and is running.
    ASSERT_EQ(zt({"reconfig_sg", "someorg-one"}).status, 0);
    ASSERT_EQ(partial(), "1");
    for (const auto* state : {"CREATE", "UNCONFIG", "PUBLISHED"}) {
        sql(std::string("UPDATE sm_zone SET state = '") + state + "' WHERE name = 'new.test.'");
        const auto before = std::stoi(partial());
        const auto flag = std::string(state) == "UNCONFIG" ? "no_auto_dnssec" : "auto_dnssec";
        const auto r = zt({"set_zone", "new.test.", flag});
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_GE(std::stoi(partial()), before + 1) << state;
    }
    // Not a DNSSEC change: nothing of its own.
    const auto before = partial();
    ASSERT_EQ(zt({"set_zone", "new.test.", "edit_lock"}).status, 0);
    EXPECT_EQ(partial(), before);
    // A disabled zone is not in named: nothing to reconfigure.
    sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE processed IS NULL");
    sql("UPDATE sm_zone SET state = 'DISABLED' WHERE name = 'new.test.'");
    ASSERT_EQ(zt({"set_zone", "new.test.", "no_auto_dnssec"}).status, 0);
    EXPECT_EQ(partial(), "0");
}

TEST_F(EventCommands, SerialPokesAndResets) {
    published("s.test.", 2026010100);
    // A serial RFC 1982 would not let named take is refused before anything is queued.
    const auto before = sql_value("SELECT count(*) FROM sm_event_queue");
    EXPECT_EQ(zt({"poke_zone_set_serial", "-f", "s.test.", "2026010100"}).status, 65);
    EXPECT_EQ(zt({"poke_zone_set_serial", "-f", "s.test.", "0"}).status, 65);
    EXPECT_EQ(zt({"poke_zone_set_serial", "-f", "s.test.", "abc"}).status, 65);
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue"), before);
    ASSERT_EQ(zt({"poke_zone_set_serial", "-fu", "s.test.", "2026020100"}).status, 0);
    const auto update = id_of("ZoneSMUpdate");
    EXPECT_EQ(sql_value("SELECT parameters->>'candidate_soa_serial' || ' ' || "
                        "(parameters->>'force_soa_serial_update') FROM sm_event_queue WHERE id = " +
                        update),
              "2026020100 true");
    sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE processed IS NULL");
    ASSERT_EQ(zt({"poke_zone_wrap_serial", "-f", "s.test."}).status, 0);
    EXPECT_EQ(sql_value("SELECT parameters->>'wrap_soa_serial' FROM sm_event_queue WHERE id = " +
                        id_of("ZoneSMUpdate")),
              "true");
    // Not published: refused.
    ASSERT_EQ(zt({"create_zone", "new.test."}).status, 0);
    EXPECT_EQ(zt({"poke_zone_wrap_serial", "-f", "new.test."}).status, 76);

    ASSERT_EQ(zt({"reset_zonesm", "-f", "s.test."}).status, 0);
    EXPECT_EQ(sql_value("SELECT state FROM sm_zone WHERE name = 's.test.'"), "RESET");
    EXPECT_NE(id_of("ZoneSMConfig"), "");
    EXPECT_NE(id_of("MasterSMMasterReconfig"), "");
}

TEST_F(EventCommands, RefreshZoneTtlSavesANewZi) {
    published("ttl.test.", 2026010100);
    const auto zis = sql_value("SELECT count(*) FROM zone_instances");
    const auto r = zt({"refresh_zone_ttl", "ttl.test.", "2h"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(sql_value("SELECT count(*) FROM zone_instances"), std::to_string(std::stoi(zis) + 1));
    EXPECT_EQ(sql_value("SELECT zi.zone_ttl FROM zone_instances zi JOIN sm_zone z ON z.id = "
                        "zi.zone_id AND zi.id = z.zi_candidate_id WHERE z.name = 'ttl.test.'"),
              "2h");
    EXPECT_EQ(zt({"refresh_zone_ttl", "ttl.test.", "forever"}).status, 64);
}

TEST_F(EventCommands, KeysAndRndcConf) {
    const auto out = zt({"generate_tsig_key", "update-ddns", "hmac-sha256"});
    ASSERT_EQ(out.status, 0) << out.err;
    const auto key = dns::parse_tsig_key(out.out, "stdout");
    EXPECT_EQ(key.name, "update-ddns");
    EXPECT_EQ(key.algorithm, "hmac-sha256");
    EXPECT_EQ(zt({"generate_tsig_key", "k", "hmac-md4"}).status, 64);

    // Written to a file (mode 0640), rndc.conf from the repository's templates, and rndc
    // itself accepts the result.
    const auto dir = m_dir.path();
    std::ofstream(m_conf, std::ios::app)
        << "dms_bind_config_dir = " << dir.string() << "\nrndc_conf_file = " << dir.string()
        << "/rndc/rndc.conf\nrndc_key_file = " << dir.string()
        << "/rndc.key\nrndc_remote_key_file = " << dir.string()
        << "/remote.key\nrndc_header_template = " << DMS_SOURCE_DIR
        << "/templates/config/rndc.conf-header\nrndc_server_template = " << DMS_SOURCE_DIR
        << "/templates/config/rndc.conf-server\n";
    ASSERT_EQ(zt({"generate_tsig_key", "rndc-key", "hmac-sha256", "rndc.key"}).status, 0);
    ASSERT_EQ(zt({"generate_tsig_key", "remote-key", "hmac-sha256", "remote.key"}).status, 0);
    EXPECT_EQ(std::filesystem::status(dir / "rndc.key").permissions() & std::filesystem::perms::all,
              std::filesystem::perms(0640));
    sql("INSERT INTO sm_servers (name, sg_id, address) SELECT 'slave1', id, '192.0.2.53' FROM "
        "server_groups LIMIT 1");
    sql("INSERT INTO sm_servers (name, sg_id, address, rndc_port) SELECT 'slave2', id, "
        "'192.0.2.54', 9531 FROM server_groups LIMIT 1");
    const auto w = zt({"write_rndc_conf"});
    ASSERT_EQ(w.status, 0) << w.err;
    EXPECT_THAT(w.out, HasSubstr("2 server entries"));
    std::ifstream in(dir / "rndc" / "rndc.conf");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_THAT(text.str(), HasSubstr("server slave1 {"));
    EXPECT_THAT(text.str(), HasSubstr("192.0.2.53 port 953;"));
    EXPECT_THAT(text.str(), HasSubstr("192.0.2.54 port 9531;")); // each server's own port
    // rndc parses it: a status query to nowhere fails to connect, not to read the file.
    RunOptions o;
    o.timeout = std::chrono::seconds(10);
    const auto r = run_process(
        {"rndc", "-c", (dir / "rndc" / "rndc.conf").string(), "-s", "slave1", "-p", "1", "status"},
        o);
    EXPECT_THAT(r.err + r.out, Not(HasSubstr("parse"))) << r.err;
}

} // namespace
} // namespace dms::test
