// SPDX-License-Identifier: GPL-3.0-or-later
// dmsd against a real PostgreSQL and a real named: zones reach the master, edits and
// roll-backs are published, nothing is lost when dmsd is killed or named is down, and
// changes made behind dms's back are found and undone.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/config.hpp"
#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/core/process.hpp"
#include "dms/core/serial.hpp"
#include "dms/engine/zi_engine.hpp"
#include "dms/engine/zone_engine.hpp"

#include "dms_system.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::uint32_t serial_of(const dns::SoaReply& r) {
    return r.serial.value_or(0);
}

class Dmsd : public DmsSystem {
protected:
    /// Create `zone` and wait until the master serves it.
    void create(const std::string& zone) {
        const auto r = zt({"create_zone", zone});
        ASSERT_EQ(r.status, 0) << r.err;
        ASSERT_TRUE(wait_for([&] { return served(zone) && zone_state(zone) == "PUBLISHED"; }))
            << zone << " is " << zone_state(zone);
    }
    /// Save the zone's text plus `lines` as a new ZI (load_zone_zi); returns the ZI id.
    std::string add_lines(const std::string& zone, const std::string& lines) {
        const auto shown = zt({"show_zone", zone});
        EXPECT_EQ(shown.status, 0) << shown.err;
        const auto file = m_dir.write("edit.zone", shown.out + lines);
        const auto r = zt({"load_zone_zi", file, zone});
        EXPECT_EQ(r.status, 0) << r.err;
        return sql_value("SELECT zi_candidate_id FROM sm_zone WHERE name = '" + zone +
                         "' AND state <> 'DELETED'");
    }
    std::string count(const std::string& where) {
        return sql_value("SELECT count(*) FROM sm_event_queue WHERE " + where);
    }
};

TEST_F(Dmsd, CreatedZoneIsServedWithValidFiles) {
    create("a.test.");
    EXPECT_EQ(zt({"show_zonesm", "a.test."}).status, 0);
    const auto soa_reply = soa("a.test.");
    EXPECT_EQ(serial_of(soa_reply),
              std::stoul(sql_value("SELECT soa_serial FROM sm_zone WHERE name = 'a.test.'")));
    // What dmsd wrote is what named-checkzone and named-checkconf accept.
    const auto zone_file = (m_dir.path() / "dynamic" / "a.test").string();
    ASSERT_TRUE(std::filesystem::exists(zone_file));
    const auto cz = run_process({"named-checkzone", "-q", "a.test.", zone_file});
    EXPECT_TRUE(cz.ok()) << cz.out << cz.err;
    const auto cc = run_process({"named-checkconf", m_named.conf_path()});
    EXPECT_TRUE(cc.ok()) << cc.out << cc.err;
    std::ifstream in(m_dir.path() / "master-config" / "zones.conf");
    std::stringstream zones;
    zones << in.rdbuf();
    EXPECT_THAT(zones.str(), HasSubstr("zone \"a.test\""));
    EXPECT_THAT(zones.str(), HasSubstr("update-policy { grant update-ddns zonesub any; };"));
    // The apex NS come from zone_cfg (the seed someorg-one SG).
    EXPECT_TRUE(answers("a.test.", "a.test.", "NS", "ns1.someorg.net."));
    EXPECT_EQ(count("processed IS NULL AND event_type LIKE 'Zone%'"), "0");
    EXPECT_EQ(count("state = 'FAILURE'"), "0");
}

// Issue 15: SIGHUP reloads dms.conf. One that loads is taken by starting again in
// place (same PID, the events in progress finished first); one that does not is
// reported and dmsd runs on with what it had. Either way it keeps publishing.
TEST_F(Dmsd, SighupReloadsTheConfigurationInPlaceOrRunsOnWithTheOld) {
    const auto pid = m_dmsd.pid();
    // Started: its workers run (and SIGHUP is handled).
    ASSERT_TRUE(wait_for([&] {
        return read_file(m_dmsd_log).find("event workers") != std::string::npos;
    })) << read_file(m_dmsd_log);
    std::ofstream(m_conf, std::ios::app) << "event_queue_threads = 3\n";
    ASSERT_EQ(::kill(pid, SIGHUP), 0);
    ASSERT_TRUE(wait_for([&] {
        return read_file(m_dmsd_log).find("3 event workers") != std::string::npos;
    })) << read_file(m_dmsd_log);
    EXPECT_THAT(read_file(m_dmsd_log), HasSubstr("finishing the events in progress, then "
                                                 "starting again with it"));
    ASSERT_TRUE(m_dmsd.running());
    EXPECT_EQ(m_dmsd.pid(), pid);
    ASSERT_TRUE(wait_for([&] { return pid_file_locked(m_dir.path() / "dmsd.pid"); }));
    ASSERT_EQ(zt({"create_zone", "reloaded.test."}).status, 0);
    EXPECT_TRUE(wait_for([&] { return served("reloaded.test."); }));

    // A misspelled key: not reloaded, still running, still publishing.
    const auto good = read_file(m_conf);
    std::ofstream(m_conf, std::ios::app) << "event_queue_thread = 2\n";
    ASSERT_EQ(::kill(pid, SIGHUP), 0);
    ASSERT_TRUE(wait_for([&] {
        return read_file(m_dmsd_log).find("not reloaded") != std::string::npos;
    })) << read_file(m_dmsd_log);
    EXPECT_THAT(read_file(m_dmsd_log), HasSubstr("event_queue_thread"));
    ASSERT_TRUE(m_dmsd.running());
    std::ofstream(m_conf, std::ios::trunc) << good; // zone_tool reads it too
    ASSERT_EQ(zt({"create_zone", "still.test."}).status, 0);
    EXPECT_TRUE(wait_for([&] { return served("still.test."); }));
}

TEST_F(Dmsd, EditIsPublishedWithANewSerialInOneUpdate) {
    create("e.test.");
    const auto before = serial_of(soa("e.test."));
    const auto zi = add_lines("e.test.", "www 300 IN A 192.0.2.80\nwww 300 IN TXT \"hello\"\n");
    ASSERT_TRUE(wait_for([&] { return answers("e.test.", "www.e.test.", "A", "192.0.2.80"); }));
    EXPECT_TRUE(answers("e.test.", "www.e.test.", "TXT", "\"hello\""));
    const auto after = serial_of(soa("e.test."));
    EXPECT_GT(after, before);
    ASSERT_TRUE(wait_for(
        [&] { return sql_value("SELECT zi_id FROM sm_zone WHERE name = 'e.test.'") == zi; }));
    EXPECT_EQ(sql_value("SELECT soa_serial FROM zone_instances WHERE id = " + zi),
              std::to_string(after));
    EXPECT_NE(sql_value("SELECT ptime FROM zone_instances WHERE id = " + zi), "(null)");
    const auto msg = sql_value("SELECT results->>'message' FROM sm_event_queue WHERE"
                               " event_type = 'ZoneSMUpdate' ORDER BY id DESC LIMIT 1");
    EXPECT_THAT(msg, HasSubstr("published ZI " + zi));
}

TEST_F(Dmsd, AChangeLargerThanOneDnsMessageIsPublishedWhole) {
    // 600 TXT records of 200 octets: about 140 KB of change, more than one UPDATE message
    // (65,535 octets) can carry. It used to abort inside the DNS library.
    create("big.test.");
    const auto before = serial_of(soa("big.test."));
    const std::string text(200, 'x');
    std::string lines;
    for (int i = 0; i < 600; ++i) {
        lines += fmt::format("r{} 300 IN TXT \"{}{}\"\n", i, i, text);
    }
    const auto zi = add_lines("big.test.", lines);
    ASSERT_TRUE(wait_for(
        [&] { return sql_value("SELECT zi_id FROM sm_zone WHERE name = 'big.test.'") == zi; }, 60s))
        << zone_state("big.test.");
    const auto count_r = [&] {
        int n = 0;
        for (const auto& r : transfer("big.test.")) {
            n += r.type == "TXT" && r.owner.starts_with("r") && r.rdata.size() > 200 ? 1 : 0;
        }
        return n;
    };
    EXPECT_EQ(count_r(), 600);
    EXPECT_TRUE(answers("big.test.", "r599.big.test.", "TXT", "\"599" + text + "\""));
    const auto after = serial_of(soa("big.test."));
    EXPECT_GT(after, before);
    EXPECT_EQ(sql_value("SELECT soa_serial FROM zone_instances WHERE id = " + zi),
              std::to_string(after));
    EXPECT_THAT(read_file(m_dmsd_log), HasSubstr("a change of 600 records sent in 3 updates"));
    // And back: the 600 deletions are split too.
    const auto shown = zt({"show_zone", "big.test.", "^"});
    ASSERT_EQ(shown.status, 0) << shown.err;
    std::string kept;
    std::istringstream in(shown.out);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("r")) {
            kept += line + "\n";
        }
    }
    const auto file = m_dir.write("small.zone", kept);
    ASSERT_EQ(zt({"load_zone_zi", file, "big.test."}).status, 0);
    const auto small = sql_value(
        "SELECT zi_candidate_id FROM sm_zone WHERE name = 'big.test.' AND state <> 'DELETED'");
    ASSERT_TRUE(wait_for(
        [&] { return sql_value("SELECT zi_id FROM sm_zone WHERE name = 'big.test.'") == small; },
        60s));
    EXPECT_EQ(count_r(), 0);
    EXPECT_EQ(count("state = 'FAILURE'"), "0");
}

TEST_F(Dmsd, DisableDeleteAndBackAgain) {
    create("d.test.");
    ASSERT_EQ(zt({"disable_zone", "d.test."}).status, 0);
    ASSERT_TRUE(wait_for([&] { return soa("d.test.").rcode == 5; })) << "still served";
    ASSERT_TRUE(wait_for([&] {
        return !std::filesystem::exists(m_dir.path() / "dynamic" / "d.test");
    })) << "zone file left";
    ASSERT_EQ(zt({"enable_zone", "d.test."}).status, 0);
    ASSERT_TRUE(
        wait_for([&] { return served("d.test.") && zone_state("d.test.") == "PUBLISHED"; }));

    ASSERT_EQ(zt({"delete_zone", "d.test."}).status, 0);
    ASSERT_TRUE(wait_for([&] { return soa("d.test.").rcode == 5; }));
    const auto id = sql_value("SELECT id FROM sm_zone WHERE name = 'd.test.'");
    ASSERT_TRUE(wait_for(
        [&] { return sql_value("SELECT zone_files FROM sm_zone WHERE id = " + id) == "f"; }));
    ASSERT_EQ(zt({"undelete_zone", id}).status, 0);
    ASSERT_TRUE(
        wait_for([&] { return served("d.test.") && zone_state("d.test.") == "PUBLISHED"; }));
}

TEST_F(Dmsd, RefreshToAnOlderZiRollsBack) {
    create("r.test.");
    const auto first = sql_value("SELECT zi_id FROM sm_zone WHERE name = 'r.test.'");
    add_lines("r.test.", "new 300 IN A 192.0.2.9\n");
    ASSERT_TRUE(wait_for([&] { return answers("r.test.", "new.r.test.", "A", "192.0.2.9"); }));
    const auto serial = serial_of(soa("r.test."));
    const auto r = zt({"refresh_zone", "r.test.", first});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_TRUE(wait_for([&] { return !answers("r.test.", "new.r.test.", "A", "192.0.2.9"); }));
    EXPECT_GT(serial_of(soa("r.test.")), serial);
    ASSERT_TRUE(wait_for(
        [&] { return sql_value("SELECT zi_id FROM sm_zone WHERE name = 'r.test.'") == first; }));
}

TEST_F(Dmsd, KillNineInTheMiddleOfABatchLosesNothing) {
    stop_dmsd();
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(zt({"create_zone", fmt::format("z{}.batch.test.", i)}).status, 0);
    }
    ASSERT_TRUE(start_dmsd());
    // Kill it as soon as it has done some of the work, not all of it.
    ASSERT_TRUE(wait_for(
        [&] {
            return count("processed IS NOT NULL AND event_type LIKE 'Zone%'"
                         " AND event_type <> 'ZoneSMDoConfig'") != "0";
        },
        20s));
    kill_dmsd();
    const auto published = sql_value("SELECT count(*) FROM sm_zone WHERE state = 'PUBLISHED'");
    EXPECT_NE(published, "100") << "dmsd finished before it was killed: the test proved nothing";
    ASSERT_TRUE(start_dmsd());
    ASSERT_TRUE(wait_for(
        [&] {
            return sql_value("SELECT count(*) FROM sm_zone WHERE state = 'PUBLISHED'") == "100";
        },
        60s))
        << sql_value("SELECT string_agg(name || ' ' || state, ', ') FROM sm_zone"
                     " WHERE state <> 'PUBLISHED'");
    for (int i = 0; i < 100; ++i) {
        EXPECT_TRUE(served(fmt::format("z{}.batch.test.", i))) << i;
    }
    EXPECT_TRUE(
        wait_for([&] { return count("processed IS NULL AND event_type LIKE 'Zone%'") == "0"; }));
    EXPECT_EQ(count("state = 'FAILURE'"), "0");
}

TEST_F(Dmsd, LoadZonesInBulkIsPublishedWholeThroughAKillNine) {
    // load_zones' chunks and dmsd's zone batches (their follow-ups and zone file
    // flushes written at the end of each batch), with dmsd killed part way.
    stop_dmsd();
    std::vector<std::string> args{"load_zones", "-f"};
    for (int i = 0; i < 150; ++i) {
        args.push_back(m_dir.write(fmt::format("b{}.bulk.test", i),
                                   fmt::format("$TTL 300\n@ SOA ns1 hostmaster 1 2h 900 7d 1h\n"
                                               "@ NS ns1\nns1 A 192.0.2.1\n"
                                               "tag TXT \"zone {}\"\n",
                                               i)));
    }
    const auto loaded = zt(args);
    ASSERT_EQ(loaded.status, 0) << loaded.err;
    EXPECT_THAT(loaded.out, HasSubstr("150 zone(s) loaded, 0 failed"));
    ASSERT_TRUE(start_dmsd());
    ASSERT_TRUE(wait_for(
        [&] { return count("processed IS NOT NULL AND event_type = 'ZoneSMBatchConfig'") != "0"; },
        20s));
    kill_dmsd();
    EXPECT_NE(sql_value("SELECT count(*) FROM sm_zone WHERE state = 'PUBLISHED'"
                        " AND name LIKE '%.bulk.test.'"),
              "150")
        << "dmsd finished before it was killed: the test proved nothing";
    ASSERT_TRUE(start_dmsd());
    ASSERT_TRUE(wait_for(
        [&] {
            return sql_value("SELECT count(*) FROM sm_zone WHERE state = 'PUBLISHED'"
                             " AND name LIKE '%.bulk.test.'") == "150";
        },
        90s))
        << sql_value("SELECT string_agg(name || ' ' || state, ', ') FROM sm_zone"
                     " WHERE state <> 'PUBLISHED'");
    for (int i = 0; i < 150; ++i) {
        const auto zone = fmt::format("b{}.bulk.test.", i);
        EXPECT_TRUE(served(zone)) << zone;
        const auto file = (m_dir.path() / "dynamic" / zone.substr(0, zone.size() - 1)).string();
        EXPECT_THAT(read_file(file), HasSubstr(fmt::format("\"zone {}\"", i))) << file;
    }
    EXPECT_TRUE(
        wait_for([&] { return count("processed IS NULL AND event_type LIKE 'Zone%'") == "0"; }));
    EXPECT_EQ(count("state = 'FAILURE'"), "0");
    // One ZoneSMBatchConfig and one ZoneSMReconfigCheck done per zone, none twice.
    EXPECT_EQ(count("state = 'SUCCESS' AND event_type IN ('ZoneSMBatchConfig',"
                    " 'ZoneSMReconfigCheck') AND zone_id IN (SELECT id FROM sm_zone"
                    " WHERE name LIKE '%.bulk.test.')"),
              "300");
}

TEST_F(Dmsd, NamedDownMeansRetriesWithBackOffThenPublication) {
    create("n.test.");
    m_named.stop();
    add_lines("n.test.", "late 300 IN A 192.0.2.77\n");
    // The publish fails while named is down: RETRY, attempts counted, the real error
    // kept, and the waits grow.
    ASSERT_TRUE(wait_for([&] {
        return std::stoi(sql_value("SELECT coalesce(max(attempts), 0) FROM sm_event_queue"
                                   " WHERE event_type = 'ZoneSMUpdate' AND processed IS NULL")) >=
               3;
    }));
    EXPECT_THAT(sql_value("SELECT last_error FROM sm_event_queue WHERE event_type = "
                          "'ZoneSMUpdate' AND processed IS NULL"),
                HasSubstr("refused"));
    EXPECT_EQ(sql_value("SELECT state FROM sm_event_queue WHERE event_type = 'ZoneSMUpdate'"
                        " AND processed IS NULL"),
              "RETRY");
    EXPECT_EQ(count("state = 'FAILURE'"), "0");
    ASSERT_TRUE(m_named.restart());
    ASSERT_TRUE(
        wait_for([&] { return answers("n.test.", "late.n.test.", "A", "192.0.2.77"); }, 30s));
    ASSERT_TRUE(
        wait_for([&] { return count("processed IS NULL AND event_type LIKE 'Zone%'") == "0"; }));
}

/// dmsd on a PostgreSQL cluster of the test's own (scripts/pg-cluster), which the test
/// stops and starts again; the run's shared cluster is never touched.
class DmsdDatabaseOutage : public Dmsd {
protected:
    void SetUp() override {
        m_state = (m_pg_dir.path() / "pg-state").string();
        const auto r = pg_cluster({"start", m_state, std::string(DMS_BIN_DIR) + "/zone_tool"});
        ASSERT_TRUE(r.ok()) << r.out << r.err;
        m_cluster = PgCluster::read(m_state);
        Dmsd::SetUp();
    }
    void TearDown() override {
        Dmsd::TearDown();
        pg_cluster({"stop", m_state});
    }
    const PgCluster& cluster() const override { return m_cluster; }

    ProcessResult pg_cluster(const std::vector<std::string>& args) {
        std::vector<std::string> argv{std::string(DMS_SOURCE_DIR) + "/scripts/pg-cluster"};
        argv.insert(argv.end(), args.begin(), args.end());
        RunOptions o;
        o.timeout = 120s;
        return run_process(argv, o);
    }
    /// Lines of the dmsd log that contain `text`.
    std::size_t log_lines(const std::string& text) {
        std::ifstream in(m_dmsd_log);
        std::size_t n = 0;
        for (std::string line; std::getline(in, line);) {
            n += line.find(text) != std::string::npos ? 1 : 0;
        }
        return n;
    }

    TempDir m_pg_dir;
    std::string m_state;
    PgCluster m_cluster;
};

// Issue 11 items 6 and 8: while PostgreSQL is down dmsd logged an ERROR every second
// (and one per worker and retry) and never said it reconnected.
TEST_F(DmsdDatabaseOutage, OneLineWhenTheDatabaseGoesOneWhenItIsBackThenChangesArePublished) {
    create("pg.test.");
    ASSERT_TRUE(pg_cluster({"pause", m_state}).ok());
    ASSERT_TRUE(wait_for([&] { return log_lines("database unavailable") == 1; }, 30s))
        << read_file(m_dmsd_log);
    // Every part of dmsd meets the missing database again and again (the listener every
    // second): debug lines only.
    ASSERT_TRUE(wait_for([&] { return log_lines("still unavailable") >= 8; }, 60s));
    ASSERT_TRUE(pg_cluster({"resume", m_state}).ok());
    ASSERT_TRUE(wait_for([&] { return log_lines("database back") == 1; }, 60s));
    add_lines("pg.test.", "after 300 IN A 192.0.2.99\n");
    EXPECT_TRUE(
        wait_for([&] { return answers("pg.test.", "after.pg.test.", "A", "192.0.2.99"); }, 60s));
    EXPECT_EQ(log_lines("database unavailable"), 1U);
    EXPECT_EQ(log_lines("database back"), 1U);
    EXPECT_EQ(log_lines(" ERROR "), 1U) << "the one line, nothing else at ERROR";
}

TEST_F(Dmsd, SavesDuringAMasterOutageEndWithTheLastOneServed) {
    // Found on the sandbox: five saves while named was down, each with its own retrying
    // event; when named came back the events finished in the order of their back-offs
    // and most zones served an older save, with status saying all was well.
    const std::vector<std::string> zones{"o1.test.", "o2.test.", "o3.test."};
    for (const auto& z : zones) {
        create(z);
    }
    std::map<std::string, std::string> last_zi;
    m_named.stop();
    for (int v = 1; v <= 5; ++v) {
        for (const auto& z : zones) {
            const auto shown = zt({"show_zone", z, "^"});
            ASSERT_EQ(shown.status, 0) << shown.err;
            const auto file =
                m_dir.write("save.zone", shown.out + fmt::format("save{} 300 IN TXT \"v{}\"\n"
                                                                 "version 300 IN TXT \"v{}\"\n",
                                                                 v, v, v));
            const auto r = zt({"load_zone_zi", file, z});
            ASSERT_EQ(r.status, 0) << r.err;
            last_zi[z] = sql_value("SELECT zi_candidate_id FROM sm_zone WHERE name = '" + z +
                                   "' AND state <> 'DELETED'");
        }
    }
    // Let the publishes fail a few times each, so that their retries interleave.
    ASSERT_TRUE(wait_for([&] {
        return count("event_type = 'ZoneSMUpdate' AND processed IS NULL AND attempts < 2") == "0";
    }));
    ASSERT_TRUE(m_named.restart());
    ASSERT_TRUE(wait_for(
        [&] { return count("processed IS NULL AND event_type LIKE 'Zone%'") == "0"; }, 60s));
    for (const auto& z : zones) {
        // Each save is the published ZI plus its own two records: exactly the last is served.
        EXPECT_TRUE(answers(z, "version." + z, "TXT", "\"v5\"")) << z << " serves an older save";
        EXPECT_TRUE(answers(z, "save5." + z, "TXT", "\"v5\"")) << z;
        EXPECT_FALSE(answers(z, "save1." + z, "TXT", "\"v1\"")) << z;
        EXPECT_EQ(sql_value("SELECT zi_id FROM sm_zone WHERE name = '" + z + "'"), last_zi[z]) << z;
        EXPECT_EQ(sql_value("SELECT soa_serial FROM sm_zone WHERE name = '" + z + "'"),
                  std::to_string(serial_of(soa(z))))
            << z;
    }
    EXPECT_EQ(count("state = 'FAILURE'"), "0");
}

TEST_F(Dmsd, AZoneNamedCannotLoadFailsForGoodWithTheReason) {
    // The seed's apex NS are ns1/ns2.someorg.net.: inside this zone, without addresses,
    // so named refuses to load it (check-integrity). It used to retry for ever, unseen.
    ASSERT_EQ(zt({"create_zone", "someorg.net."}).status, 0);
    ASSERT_TRUE(wait_for([&] {
        return count("zone_id IS NOT NULL AND state = 'FAILURE' AND results->>'message' LIKE "
                     "'%has no address records%'") == "1";
    })) << zone_state("someorg.net.");
    EXPECT_EQ(zone_state("someorg.net."), "UNCONFIG");
    const auto failed = zt({"ls_failed_events", "-v"});
    EXPECT_THAT(failed.out, HasSubstr("someorg.net."));
    EXPECT_THAT(failed.out, HasSubstr("NS 'ns1.someorg.net' has no address records"));
    auto status = zt({"show_dms_status"});
    EXPECT_THAT(status.out, HasSubstr("zones:       1 failed for good"));
    EXPECT_THAT(status.out, HasSubstr("someorg.net. "));
    // Nothing retries it: the reconciler, seen repairing another zone after the failure,
    // leaves this one alone.
    stop_dmsd();
    ASSERT_EQ(zt({"create_zone", "other.test."}).status, 0);
    sql("DELETE FROM sm_event_queue WHERE processed IS NULL AND zone_id ="
        " (SELECT id FROM sm_zone WHERE name = 'other.test.')");
    ASSERT_TRUE(start_dmsd());
    ASSERT_TRUE(wait_for([&] { return zone_state("other.test.") == "PUBLISHED"; }, 30s));
    ASSERT_NE(sql_value("SELECT count(*) FROM dms_audit.audit_log WHERE operation = 'reconcile'"
                        " AND subject = 'other.test.'"),
              "0");
    EXPECT_EQ(sql_value("SELECT count(*) FROM dms_audit.audit_log WHERE operation = 'reconcile'"
                        " AND subject = 'someorg.net.'"),
              "0");
    EXPECT_EQ(count("processed IS NULL AND zone_id = (SELECT id FROM sm_zone WHERE name ="
                    " 'someorg.net.')"),
              "0");
    // The operator gives the name servers addresses and starts the zone again.
    const auto shown = zt({"show_zone", "someorg.net."});
    ASSERT_EQ(shown.status, 0) << shown.err;
    const auto file = m_dir.write("fixed.zone", shown.out + "ns1 300 IN A 192.0.2.1\n"
                                                            "ns2 300 IN A 192.0.2.2\n");
    ASSERT_EQ(zt({"load_zone_zi", file, "someorg.net."}).status, 0);
    ASSERT_EQ(zt({"reset_zonesm", "someorg.net."}).status, 0);
    ASSERT_TRUE(wait_for(
        [&] { return served("someorg.net.") && zone_state("someorg.net.") == "PUBLISHED"; }, 60s))
        << zone_state("someorg.net.");
    EXPECT_TRUE(answers("someorg.net.", "ns1.someorg.net.", "A", "192.0.2.1"));
    status = zt({"show_dms_status"});
    EXPECT_THAT(status.out, HasSubstr("zones:       0 failed for good"));
}

TEST_F(Dmsd, ChangeBehindDmsBackIsFoundAndUndone) {
    create("x.test.");
    const auto before = transfer("x.test.");
    ASSERT_FALSE(before.empty());
    const auto& old_soa = before.front();
    auto new_soa = old_soa;
    const auto serial = serial_of(soa("x.test."));
    new_soa.rdata.replace(new_soa.rdata.find(std::to_string(serial)), std::to_string(serial).size(),
                          std::to_string(serial + 5));
    // An operator's nsupdate straight to named.
    const dns::Update u{
        "x.test.", {old_soa}, {}, {}, {{"rogue.x.test.", 60, "A", "192.0.2.66"}, new_soa}};
    const auto r = dns::send_update(m_named.server(), u, m_named.update_key(), 2s);
    ASSERT_EQ(r.rcode, 0) << r.error;
    ASSERT_TRUE(answers("x.test.", "rogue.x.test.", "A", "192.0.2.66"));
    // The reconciler sees the serial it did not publish and publishes the database's
    // content over it: the rogue record goes, the serial moves on past the rogue one.
    ASSERT_TRUE(
        wait_for([&] { return !answers("x.test.", "rogue.x.test.", "A", "192.0.2.66"); }, 20s));
    EXPECT_GT(serial_of(soa("x.test.")), serial + 5);
    EXPECT_NE(sql_value("SELECT count(*) FROM dms_audit.audit_log WHERE operation = "
                        "'zone_changed_outside_dms' AND subject = 'x.test.'"),
              "0");
}

TEST_F(Dmsd, ReconcilerRecreatesALostFollowUp) {
    stop_dmsd();
    ASSERT_EQ(zt({"create_zone", "lost.test."}).status, 0);
    // The follow-up event vanishes (a restore from backup, a careless DELETE).
    sql("DELETE FROM sm_event_queue WHERE processed IS NULL");
    ASSERT_TRUE(start_dmsd());
    ASSERT_TRUE(wait_for(
        [&] { return served("lost.test.") && zone_state("lost.test.") == "PUBLISHED"; }, 20s))
        << zone_state("lost.test.");
    EXPECT_NE(sql_value("SELECT count(*) FROM dms_audit.audit_log WHERE operation = 'reconcile'"
                        " AND subject = 'lost.test.'"),
              "0");
}

TEST_F(Dmsd, RestoreNamedDbRebuildsEverything) {
    create("s1.test.");
    create("s2.test.");
    // Refused while dmsd and named run.
    EXPECT_EQ(zt({"restore_named_db"}).status, 75);
    stop_dmsd();
    EXPECT_EQ(zt({"restore_named_db"}).status, 75); // named still answers rndc
    m_named.stop();
    std::filesystem::remove_all(m_dir.path() / "dynamic");
    std::filesystem::create_directories(m_dir.path() / "dynamic");
    std::filesystem::remove(m_dir.path() / "master-config" / "zones.conf");
    const auto r = zt({"restore_named_db"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("2 zone files"));
    ASSERT_TRUE(m_named.restart());
    EXPECT_TRUE(served("s1.test."));
    EXPECT_TRUE(served("s2.test."));
}

// Found on the sandbox (issue 11 item 6): a save made while the master named was down,
// then restore_named_db, served the new content under the serial of the older content
// the slaves had, so they never transferred it.
TEST_F(Dmsd, RestoreNamedDbGivesASaveNeverPublishedANewSerial) {
    create("rs.test.");
    const auto before = serial_of(soa("rs.test."));
    m_named.stop();
    const auto zi = add_lines("rs.test.", "late 300 IN A 192.0.2.44\n");
    EXPECT_EQ(sql_value("SELECT soa_serial FROM zone_instances WHERE id = " + zi),
              std::to_string(before))
        << "the save carries the serial of the text it was made from";
    stop_dmsd();
    const auto r = zt({"restore_named_db"});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_TRUE(m_named.restart());
    ASSERT_TRUE(answers("rs.test.", "late.rs.test.", "A", "192.0.2.44"));
    const auto after = serial_of(soa("rs.test."));
    EXPECT_TRUE(serial::gt(after, before)) << after << " is not ahead of " << before;
    EXPECT_EQ(sql_value("SELECT soa_serial FROM sm_zone WHERE name = 'rs.test.'"),
              std::to_string(after));
    EXPECT_EQ(sql_value("SELECT soa_serial FROM zone_instances WHERE id = " + zi),
              std::to_string(after));
    // A zone whose published ZI is restored keeps its serial.
    ASSERT_TRUE(start_dmsd());
    create("same.test.");
    const auto same = serial_of(soa("same.test."));
    stop_dmsd();
    m_named.stop();
    ASSERT_EQ(zt({"restore_named_db"}).status, 0);
    ASSERT_TRUE(m_named.restart());
    EXPECT_EQ(serial_of(soa("same.test.")), same);
}

TEST_F(Dmsd, EditLocksTimeOutUnlessTickledAndLockedSavesPublish) {
    ASSERT_EQ(zt({"create_zone", "lock.test.", "edit_lock"}).status, 0);
    ASSERT_TRUE(wait_for([&] { return zone_state("lock.test.") == "PUBLISHED"; }));
    const auto config = load_config(Program::zone_tool, m_conf);
    engine::ZoneEngine zones(session(), config, {"tester@test", "Admin", std::nullopt});
    engine::ZiEngine zis(session(), config, {"tester@test", "Admin", std::nullopt});
    const auto lock_state = [&] {
        return sql_value("SELECT lock_state FROM sm_zone WHERE name = 'lock.test.'");
    };
    // Untickled, the lock (2 s here) is released by dmsd's ZoneSMEditTimeout.
    const auto token = zones.edit_lock("lock.test.");
    ASSERT_TRUE(token);
    EXPECT_EQ(lock_state(), "EDIT_LOCK");
    ASSERT_TRUE(wait_for([&] { return lock_state() == "EDIT_UNLOCK"; }, 10s));
    EXPECT_EQ(sql_value("SELECT state FROM sm_event_queue WHERE id = " + std::to_string(*token)),
              "SUCCESS");
    EXPECT_THROW(zones.tickle_edit_lock("lock.test.", *token), Error);

    // Tickled, its timeout moves on (read from the database, not timed here); saved with
    // the token, it is published and freed.
    const auto again = zones.edit_lock("lock.test.");
    ASSERT_TRUE(again);
    // Out of reach of a slow machine first; the tickle brings it to now + the timeout.
    const auto push_out = [&] {
        sql("UPDATE sm_event_queue SET scheduled = now() + interval '1 hour' WHERE id = " +
            std::to_string(*again));
    };
    push_out();
    zones.tickle_edit_lock("lock.test.", *again);
    EXPECT_EQ(sql_value("SELECT scheduled < now() + interval '1 minute' FROM sm_event_queue"
                        " WHERE id = " +
                        std::to_string(*again)),
              "t")
        << "the tickle did not move the timeout to now + edit_lock_timeout (2 s)";
    push_out();
    EXPECT_EQ(lock_state(), "EDIT_LOCK");
    auto view = zis.show_zone("lock.test.");
    Rr rr;
    rr.label = "locked";
    rr.type = "A";
    rr.rdata = "192.0.2.44";
    view.data.groups.back().rrs.push_back(rr);
    zis.save_zone_content("lock.test.", view.data, again);
    ASSERT_TRUE(
        wait_for([&] { return answers("lock.test.", "locked.lock.test.", "A", "192.0.2.44"); }));
    ASSERT_TRUE(wait_for(
        [&] { return lock_state() == "EDIT_UNLOCK" && zone_state("lock.test.") == "PUBLISHED"; }));
    // The timeout of a lock that ended by saving was cancelled, not failed.
    EXPECT_EQ(sql_value("SELECT state FROM sm_event_queue WHERE id = " + std::to_string(*again)),
              "CANCELLED");
}

TEST_F(Dmsd, MasterStatusAndEventListingsTellTheTruth) {
    create("m.test.");
    const auto st = zt({"show_master_status", "-v"});
    ASSERT_EQ(st.status, 0) << st.err;
    EXPECT_THAT(st.out, HasSubstr("failed_events:"));
    const auto ls = zt({"ls_events", "-v", "50"});
    ASSERT_EQ(ls.status, 0) << ls.err;
    EXPECT_THAT(ls.out, HasSubstr("ZoneSMReconfigUpdate"));
    EXPECT_THAT(ls.out, HasSubstr("MasterSMPartialReconfig"));
    const auto id = sql_value("SELECT id FROM sm_event_queue WHERE event_type = "
                              "'ZoneSMConfig' ORDER BY id LIMIT 1");
    const auto show = zt({"show_event", id});
    EXPECT_THAT(show.out, HasSubstr("CREATE"));
    EXPECT_THAT(show.out, HasSubstr("UNCONFIG"));
}

// set_zone auto_dnssec: the zone's stanza names a dms dnssec-policy, named makes a key in
// dnssec_key_dir and serves the zone signed; a change is published and signed; nsec3
// switches the denial to NSEC3; without auto_dnssec again the zone goes back to the plain
// stanza. The DS dms computes from the served DNSKEY is the one BIND computes.
TEST_F(Dmsd, AutoDnssecZoneIsSignedByTheDnssecPolicy) {
    create("signed.test.");
    const auto has = [&](const std::string& type, const std::string& owner = "signed.test.") {
        for (const auto& r : transfer("signed.test.")) {
            if (r.type == type && r.owner == owner) {
                return true;
            }
        }
        return false;
    };
    ASSERT_FALSE(has("DNSKEY"));
    ASSERT_EQ(zt({"set_zone", "signed.test.", "auto_dnssec"}).status, 0);
    ASSERT_TRUE(wait_for([&] { return has("DNSKEY") && has("RRSIG") && has("NSEC"); }, 60s))
        << "not signed";
    std::ifstream in(m_dir.path() / "master-config" / "zones.conf");
    std::stringstream zones;
    zones << in.rdbuf();
    EXPECT_THAT(zones.str(), HasSubstr("dnssec-policy \"dms-default\" {"));
    EXPECT_THAT(zones.str(), HasSubstr("dnssec-policy \"dms-default\";"));
    bool key_files = false;
    for (const auto& f : std::filesystem::directory_iterator(m_dir.path() / "keys")) {
        key_files = key_files || f.path().filename().string().starts_with("Ksigned.test.+013+");
    }
    EXPECT_TRUE(key_files) << "no ECDSAP256SHA256 key in dnssec_key_dir";

    // show_dnssec: the key, its state, and the DS BIND's dnssec-dsfromkey computes from
    // the key file.
    std::string key_file;
    for (const auto& f : std::filesystem::directory_iterator(m_dir.path() / "keys")) {
        if (f.path().extension() == ".key") {
            key_file = f.path().string();
        }
    }
    ASSERT_FALSE(key_file.empty());
    const auto bind_ds = run_process({"dnssec-dsfromkey", "-a", "SHA-256", key_file});
    ASSERT_TRUE(bind_ds.ok()) << bind_ds.err;
    const auto ds_rdata = bind_ds.out.substr(bind_ds.out.find(" DS ") + 4);
    const auto shown = zt({"show_dnssec", "signed.test."});
    ASSERT_EQ(shown.status, 0) << shown.err;
    EXPECT_THAT(shown.out, HasSubstr("signed:      yes"));
    EXPECT_THAT(shown.out, HasSubstr("CSK"));
    EXPECT_THAT(shown.out,
                HasSubstr("signed.test. IN DS " + ds_rdata.substr(0, ds_rdata.find('\n'))))
        << "BIND: " << bind_ds.out;
    EXPECT_THAT(shown.out, HasSubstr(" 13 4 ")) << "a SHA-384 DS too\n" << shown.out;
    const auto json = zt({"show_dnssec", "--json", "signed.test."});
    ASSERT_EQ(json.status, 0) << json.err;
    EXPECT_THAT(json.out, HasSubstr("\"role\": \"CSK\""));

    // recreate_ds '*': one file per signed zone (not one named '*'), unsigned ones skipped.
    create("plain.test.");
    const auto ds = zt({"recreate_ds", "*"});
    ASSERT_EQ(ds.status, 0) << ds.err;
    EXPECT_THAT(ds.out, HasSubstr("plain.test.: skipped (not signed)"));
    EXPECT_THAT(ds.out, HasSubstr("1 DS file(s) written, 1 zone(s) skipped"));
    EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "ds" / "*"));
    EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "ds" / "plain.test"));
    std::ifstream ds_in(m_dir.path() / "ds" / "signed.test");
    std::stringstream ds_file;
    ds_file << ds_in.rdbuf();
    EXPECT_THAT(ds_file.str(),
                HasSubstr("signed.test. IN DS " + ds_rdata.substr(0, ds_rdata.find('\n'))));
    EXPECT_THAT(ds_file.str(), HasSubstr(" 13 4 "));

    // sign_zone, loadkeys_zone: master events running rndc; refused for an unsigned zone.
    ASSERT_EQ(zt({"sign_zone", "signed.test."}).status, 0);
    ASSERT_EQ(zt({"loadkeys_zone", "signed.test."}).status, 0);
    EXPECT_TRUE(wait_for([&] {
        return count("event_type IN ('MasterSMSignZone', 'MasterSMLoadKeys') AND state = "
                     "'SUCCESS'") == "2";
    })) << sql_value("SELECT string_agg(event_type || ' ' || state || ' ' || "
                     "coalesce(results->>'message', ''), '; ') FROM sm_event_queue WHERE "
                     "event_type LIKE 'MasterSM%Zone' OR event_type = 'MasterSMLoadKeys'");
    const auto refused = zt({"sign_zone", "plain.test."});
    EXPECT_NE(refused.status, 0);
    EXPECT_THAT(refused.err, HasSubstr("is not signed"));

    // A change on the signed zone: published (the DNSSEC records are named's, left alone)
    // and signed.
    add_lines("signed.test.", "www 300 IN A 192.0.2.7\n");
    ASSERT_TRUE(
        wait_for([&] { return answers("signed.test.", "www.signed.test.", "A", "192.0.2.7"); }));
    ASSERT_TRUE(wait_for([&] { return has("RRSIG", "www.signed.test."); }, 30s));
    EXPECT_EQ(count("state = 'FAILURE'"), "0");
    EXPECT_EQ(zone_state("signed.test."), "PUBLISHED");

    // NSEC3.
    ASSERT_EQ(zt({"set_zone", "signed.test.", "auto_dnssec", "nsec3"}).status, 0);
    ASSERT_TRUE(wait_for([&] { return has("NSEC3PARAM"); }, 60s)) << "no NSEC3PARAM";
    EXPECT_TRUE(wait_for([&] { return !has("NSEC"); }, 60s)) << "NSEC records left";

    // DNSSEC off: the stanza names BIND's policy "insecure", under which named withdraws
    // the keys in step with the DS state it knows (here the DS was never reported at the
    // parent, so at once) and leaves a valid unsigned zone: no DNSKEY, no signature left
    // behind, and records added afterwards served.
    ASSERT_EQ(zt({"set_zone", "signed.test.", "no_auto_dnssec"}).status, 0);
    ASSERT_TRUE(wait_for([&] {
        std::ifstream conf(m_dir.path() / "master-config" / "zones.conf");
        std::stringstream text;
        text << conf.rdbuf();
        return text.str().find("dnssec-policy \"insecure\";") != std::string::npos;
    })) << "the zone's stanza does not name the policy insecure";
    ASSERT_TRUE(
        wait_for([&] { return !has("DNSKEY") && !has("RRSIG") && !has("NSEC3PARAM"); }, 60s))
        << "the zone did not become unsigned";
    ASSERT_TRUE(wait_for([&] { return zone_state("signed.test.") == "PUBLISHED"; }));
    add_lines("signed.test.", "late 300 IN A 192.0.2.8\n");
    EXPECT_TRUE(
        wait_for([&] { return answers("signed.test.", "late.signed.test.", "A", "192.0.2.8"); }));
    EXPECT_FALSE(has("RRSIG", "late.signed.test."));
}

} // namespace
} // namespace dms::test
