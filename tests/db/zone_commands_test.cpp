// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool zone commands against a throwaway database: effects and refusals.
#include <fstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* good_zone = R"($TTL 300
@ SOA ns1.example.org. hostmaster.example.org. 2026010100 2h 900 7d 1h
@ NS ns1
ns1 A 192.0.2.1
;| Web servers
www A 192.0.2.10
www AAAA 2001:db8::10
)";

class ZoneCommands : public ZoneToolDbTest {
protected:
    /// Rows in every table a zone command may touch, to prove a refusal changed nothing.
    std::string snapshot() {
        return sql_value(
            "SELECT concat_ws(',', (SELECT count(*) FROM sm_zone),"
            " (SELECT count(*) FROM zone_instances),"
            " (SELECT count(*) FROM resource_records),"
            " (SELECT count(*) FROM rr_comments),"
            " (SELECT count(*) FROM sm_event_queue),"
            " (SELECT count(*) FROM audit_log),"
            " (SELECT string_agg(state || lock_state, ' ' ORDER BY id) FROM sm_zone))");
    }
    std::string state_of(const std::string& zone) {
        return sql_value("SELECT state FROM sm_zone WHERE name = '" + zone +
                         "' ORDER BY id DESC LIMIT 1");
    }
};

TEST_F(ZoneCommands, CreateZoneQueuesConfigAndShowsDefaults) {
    const auto r = zt({"create_zone", "Example.ORG"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "created zone example.org.: state CREATE\n");
    EXPECT_EQ(state_of("example.org."), "CREATE");
    const auto ls = zt({"ls", "-v"});
    EXPECT_THAT(ls.out, HasSubstr("example.org."));
    EXPECT_THAT(ls.out, HasSubstr("SOMEORG-NET"));
    const auto show = zt({"show_zone", "example.org"});
    ASSERT_EQ(show.status, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr("( ns1.someorg.net. ;Master NS"));
    EXPECT_THAT(show.out, HasSubstr("NS         ns2.someorg.net."));
    const auto ev = zt({"ls_pending_events"});
    EXPECT_THAT(ev.out, HasSubstr("ZoneSMConfig"));
    EXPECT_THAT(ev.out, HasSubstr("example.org."));
    // The synchronous DoConfig was recorded as processed.
    EXPECT_EQ(sql_value("SELECT state || ' ' || result_code FROM sm_event_queue"
                        " WHERE event_type = 'ZoneSMDoConfig'"),
              "SUCCESS 200");
    const auto sm = zt({"show_zonesm", "example.org."});
    EXPECT_THAT(sm.out, HasSubstr("state:"));
    EXPECT_THAT(sm.out, HasSubstr("CREATE"));
}

TEST_F(ZoneCommands, RefusalsLeaveTheDatabaseUnchanged) {
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    const auto before = snapshot();
    const auto again = zt({"create_zone", "example.org"});
    EXPECT_EQ(again.status, 73); // EX_CANTCREAT
    EXPECT_THAT(again.err, HasSubstr("zone 'example.org.' already exists"));
    EXPECT_EQ(zt({"create_zone", "-g", "no-such-sg", "other.org"}).status, 68);
    EXPECT_EQ(zt({"create_zone", "bad..name"}).status, 65);
    EXPECT_EQ(zt({"enable_zone", "example.org"}).status, 76); // not DISABLED
    EXPECT_EQ(zt({"show_zone", "nowhere.org"}).status, 68);
    EXPECT_EQ(zt({"undelete_zone", "1"}).status, 76); // not deleted
    EXPECT_EQ(snapshot(), before);
}

TEST_F(ZoneCommands, ZoneNamesNamedWouldRefuseAreNotCreated) {
    // Issue 11: create_zone '*.test.' succeeded, dmsd wrote a file '*.test', named
    // refused the zone and it retried forever. Every path that makes a zone refuses it
    // (65, InvalidDomainName) and writes nothing: no zone, ZI, event or audit row.
    ASSERT_EQ(zt({"create_zone", "source.org"}).status, 0);
    const auto before = snapshot();
    const auto wildcard = zt({"create_zone", "*.test."});
    EXPECT_EQ(wildcard.status, 65);
    EXPECT_THAT(wildcard.err,
                HasSubstr("invalid domain name '*.test.': '*' is not allowed in a zone name: "
                          "named refuses a zone whose first label is the wildcard '*'"));
    EXPECT_THAT(zt({"create_zone", "--", "-bad.test"}).err,
                HasSubstr("invalid domain name '-bad.test': a zone name may not start with '-'"));
    EXPECT_THAT(zt({"create_zone", "a/b.test"}).err,
                HasSubstr("invalid domain name 'a/b.test': character '/' is not allowed"));
    EXPECT_THAT(zt({"create_zone", "a.*.test"}).status, 65);
    const auto file = m_dir.write("star", good_zone);
    EXPECT_EQ(zt({"load_zone", file, "*.test"}).status, 65);
    EXPECT_EQ(zt({"copy_zone", "source.org", "*.test"}).status, 65);
    const auto origin = m_dir.write("origin", std::string("$ORIGIN *.test.\n") + good_zone);
    const auto bulk = zt({"load_zones", "-f", "-o", origin});
    EXPECT_EQ(bulk.status, 65);
    EXPECT_THAT(bulk.err, HasSubstr("'*' is not allowed in a zone name"));
    EXPECT_EQ(snapshot(), before);
    // A zone of such a name made before the check can still be found and deleted.
    sql("UPDATE sm_zone SET name = '*.old.' WHERE name = 'source.org.'");
    EXPECT_EQ(zt({"show_zone", "*.old."}).status, 0);
    EXPECT_EQ(zt({"delete_zone", "*.old."}).status, 0);
}

TEST_F(ZoneCommands, LoadZoneAndBadZoneText) {
    const auto file = m_dir.write("example.org", good_zone);
    const auto r = zt({"load_zone", file, "example.org"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(sql_value("SELECT count(*) FROM resource_records"), "4");
    const auto show = zt({"show_zone", "example.org"});
    EXPECT_THAT(show.out, HasSubstr(";| Web servers"));
    EXPECT_THAT(show.out, HasSubstr("$TTL 300"));

    const auto before = snapshot();
    const auto bad = m_dir.write("bad.org", "$TTL 1h\n@ SOA ns1 hm 1 2h 900 7d 1h\n@ NS ns1\n"
                                            "ns1 A 192.0.2.1\nwww A 300.1.1.1\n"
                                            "www CNAME x.example.\n$INCLUDE /etc/passwd\n");
    const auto b = zt({"load_zone", bad, "bad.org"});
    EXPECT_EQ(b.status, 65) << b.err;
    EXPECT_THAT(b.err, HasSubstr(bad + ":5: error: A record"));
    EXPECT_THAT(b.err, HasSubstr(bad + ":7: error: $INCLUDE is not supported"));
    EXPECT_THAT(b.err, HasSubstr("nothing saved"));
    EXPECT_EQ(snapshot(), before);

    // Text that parses but breaks a rule is refused after the records were copied in:
    // the transaction rolls back and nothing stays.
    const auto rule = m_dir.write("rule.org", "$TTL 1h\n@ SOA ns1 hm 1 2h 900 7d 1h\n@ NS ns1\n"
                                              "ns1 A 192.0.2.1\nwww A 192.0.2.2\n"
                                              "www CNAME x.example.\n");
    const auto c = zt({"load_zone", rule, "rule.org", "no_use_apex_ns"});
    EXPECT_EQ(c.status, 65) << c.err;
    EXPECT_THAT(c.err, HasSubstr(rule + ":6: error: CNAME at www which has other records"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(ZoneCommands, ZiHistoryRollBackAndDiff) {
    const auto file = m_dir.write("example.org", good_zone);
    ASSERT_EQ(zt({"load_zone", file, "example.org"}).status, 0);
    std::string second = good_zone;
    second += "mail A 192.0.2.25\n";
    const auto f2 = m_dir.write("v2", second);
    const auto saved = zt({"load_zone_zi", f2, "example.org"});
    ASSERT_EQ(saved.status, 0) << saved.err;
    const auto zis = zt({"ls_zi", "example.org"});
    EXPECT_EQ(std::count(zis.out.begin(), zis.out.end(), '\n'), 2) << zis.out;
    // The newest ZI is current; ^- is the one before it.
    EXPECT_THAT(zt({"show_zone", "example.org"}).out, HasSubstr("mail "));
    EXPECT_THAT(zt({"show_zone", "example.org", "^-"}).out, Not(HasSubstr("mail ")));
    const auto diff = zt({"diff_zone_zi", "example.org", "^-"});
    EXPECT_EQ(diff.status, 0) << diff.err;
    EXPECT_THAT(diff.out, HasSubstr("+mail "));
    // copy_zi brings a ZI into another zone, unpublished.
    ASSERT_EQ(zt({"create_zone", "copy.org"}).status, 0);
    const auto c = zt({"copy_zi", "example.org", "copy.org", "^-"});
    ASSERT_EQ(c.status, 0) << c.err;
    EXPECT_EQ(sql_value("SELECT count(*) FROM zone_instances zi JOIN sm_zone z ON z.id = "
                        "zi.zone_id WHERE z.name = 'copy.org.'"),
              "2");
    // A ZI in use cannot be deleted; an old one can.
    EXPECT_EQ(zt({"delete_zi", "example.org", "^"}).status, 65);
    const auto old_id = sql_value("SELECT min(id) FROM zone_instances");
    EXPECT_EQ(zt({"delete_zi", "example.org", old_id}).status, 0);
}

TEST_F(ZoneCommands, DeleteUndeleteDestroy) {
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    ASSERT_EQ(zt({"delete_zone", "example.org"}).status, 0);
    EXPECT_EQ(state_of("example.org."), "DELETED");
    EXPECT_EQ(zt({"ls"}).status, 68);
    const auto del = zt({"ls_deleted"});
    EXPECT_THAT(del.out, HasSubstr("example.org."));
    const auto old_id = sql_value("SELECT id FROM sm_zone WHERE name = 'example.org.'");
    // A new incarnation may be created; the old one cannot come back while it lives.
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    const auto refused = zt({"undelete_zone", old_id});
    EXPECT_EQ(refused.status, 76) << refused.err;
    EXPECT_THAT(refused.err, HasSubstr("already exists"));
    ASSERT_EQ(zt({"delete_zone", "example.org"}).status, 0);
    const auto und = zt({"undelete_zone", old_id});
    ASSERT_EQ(und.status, 0) << und.err;
    EXPECT_EQ(sql_value("SELECT state FROM sm_zone WHERE id = " + old_id), "CREATE");
    // destroy: only deleted zones, and the row goes.
    const auto newer = sql_value("SELECT max(id) FROM sm_zone");
    ASSERT_EQ(zt({"destroy_zone", newer}).status, 0);
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_zone"), "1");
}

TEST_F(ZoneCommands, RecordQueryFindsTheMostSpecificZone) {
    const auto file = m_dir.write("example.org", good_zone);
    ASSERT_EQ(zt({"load_zone", file, "example.org"}).status, 0);
    ASSERT_EQ(zt({"create_zone", "sub.example.org"}).status, 0);
    const auto r = zt({"record_query_db", "WWW.example.org", "a"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("www.example.org.  300  IN  A  192.0.2.10"));
    EXPECT_THAT(r.out, Not(HasSubstr("AAAA")));
    // A name below sub.example.org. is looked for in that zone, where it is absent.
    EXPECT_EQ(zt({"record_query_db", "www.sub.example.org"}).status, 68);
    EXPECT_EQ(zt({"record_query_db", "-n", "example.org", "www"}).status, 0);
}

TEST_F(ZoneCommands, CopyZoneRenamesInZoneNames) {
    const auto file =
        m_dir.write("example.org", std::string(good_zone) + "@ MX 10 mail\nmail A 192.0.2.25\n"
                                                            "alias CNAME www.example.org.\n"
                                                            "ext CNAME www.example.net.\n"
                                                            "note TXT \"see www.example.org.\"\n");
    ASSERT_EQ(zt({"load_zone", file, "example.org", "no_use_apex_ns"}).status, 0);
    const auto c = zt({"copy_zone", "example.org", "copy.test"});
    ASSERT_EQ(c.status, 0) << c.err;
    const auto show = zt({"show_zone", "copy.test"}).out;
    EXPECT_THAT(show, HasSubstr("MX         10 mail.copy.test."));
    EXPECT_THAT(show, HasSubstr("CNAME      www.copy.test."));
    EXPECT_THAT(show, HasSubstr("CNAME      www.example.net.")); // outside the zone: kept
    EXPECT_THAT(show, HasSubstr("\"see www.example.org.\""));    // text: kept
    EXPECT_THAT(show, HasSubstr("( ns1.copy.test. ;Master NS"));
    EXPECT_THAT(show, HasSubstr(";| Apex resource records for copy.test."));
}

TEST_F(ZoneCommands, DisableEnable) {
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    ASSERT_EQ(zt({"disable_zone", "example.org"}).status, 0);
    EXPECT_EQ(state_of("example.org."), "DISABLED");
    EXPECT_EQ(zt({"disable_zone", "example.org"}).status, 76);
    ASSERT_EQ(zt({"enable_zone", "example.org"}).status, 0);
    EXPECT_EQ(state_of("example.org."), "CREATE");
}

TEST_F(ZoneCommands, EditZoneWithAnEditorScript) {
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    const auto script = m_dir.write("editor.sh", "#!/bin/sh\n"
                                                 "printf 'www IN A 192.0.2.80\\n' >> \"$1\"\n");
    chmod(script.c_str(), 0755);
    setenv("VISUAL", script.c_str(), 1);
    const auto r = zt({"edit_zone", "example.org"});
    unsetenv("VISUAL");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("saved as ZI"));
    EXPECT_THAT(zt({"show_zone", "example.org"}).out, HasSubstr("192.0.2.80"));

    // A broken edit is refused with its line, and nothing is saved.
    const auto before = snapshot();
    const auto bad = m_dir.write("bad.sh", "#!/bin/sh\nprintf 'x IN A nonsense\\n' >> \"$1\"\n");
    chmod(bad.c_str(), 0755);
    setenv("VISUAL", bad.c_str(), 1);
    const auto b = zt({"edit_zone", "example.org"});
    unsetenv("VISUAL");
    EXPECT_EQ(b.status, 65);
    EXPECT_THAT(b.err, HasSubstr("A record"));
    EXPECT_EQ(snapshot(), before);
}

TEST_F(ZoneCommands, LoadZonesInChunksReportsEachBadFile) {
    ASSERT_EQ(zt({"create_zone", "taken.bulk"}).status, 0);
    // 250 good zones (three chunks), a text error, a rule error, a zone that exists and
    // a file that does not.
    std::vector<std::string> args{"load_zones", "-f", "-r", "BULK-REF"};
    for (int i = 0; i < 250; ++i) {
        args.push_back(m_dir.write(fmt::format("z{}.bulk", i), good_zone));
    }
    const auto bad = m_dir.write("bad.bulk", "$TTL 1h\n@ SOA ns1 hm 1 2h 900 7d 1h\n@ NS ns1\n"
                                             "ns1 A 192.0.2.1\nwww A 300.1.1.1\n");
    const auto rule = m_dir.write("rule.bulk", "$TTL 1h\n@ SOA ns1 hm 1 2h 900 7d 1h\n@ NS ns1\n"
                                               "ns1 A 192.0.2.1\nwww A 192.0.2.2\n"
                                               "www CNAME x.example.\n");
    args.insert(args.begin() + 60, bad);
    args.insert(args.begin() + 130, rule);
    args.push_back(m_dir.write("taken.bulk", good_zone));
    args.push_back((m_dir.path() / "missing.bulk").string());
    const auto r = zt(args);
    EXPECT_EQ(r.status, 65) << r.err;
    EXPECT_THAT(r.out, HasSubstr("250 zone(s) loaded, 4 failed"));
    EXPECT_THAT(r.out, HasSubstr("loaded zone z17.bulk.: state BATCH_CREATE_1"));
    EXPECT_THAT(r.err, HasSubstr(bad + ":5: error: A record"));
    EXPECT_THAT(r.err, HasSubstr(rule + ":6: error: CNAME at www which has other records"));
    EXPECT_THAT(r.err, HasSubstr("zone 'taken.bulk.' already exists"));
    EXPECT_THAT(r.err, HasSubstr("missing.bulk"));

    // Every good zone is whole: its ZI (published and candidate), records, comments,
    // apex comment, reference, the processed DoBatchConfig, the queued BatchConfig and
    // an audit row; none of the bad ones left anything.
    const auto good = [&](const std::string& condition) {
        return sql_value("SELECT count(*) FROM sm_zone z WHERE z.name LIKE 'z%.bulk.' AND " +
                         condition);
    };
    EXPECT_EQ(good("z.state = 'BATCH_CREATE_1' AND z.zi_id = z.zi_candidate_id"), "250");
    EXPECT_EQ(good("(SELECT reference FROM reference r WHERE r.id = z.ref_id) = 'BULK-REF'"),
              "250");
    EXPECT_EQ(good("(SELECT count(*) FROM zone_instances i WHERE i.zone_id = z.id"
                   " AND i.id = z.zi_id AND i.apex_comment_group_id IS NOT NULL) = 1"),
              "250");
    EXPECT_EQ(good("(SELECT count(*) FROM resource_records rr WHERE rr.zi_id = z.zi_id) = 4"),
              "250");
    EXPECT_EQ(good("(SELECT count(*) FROM rr_comments c WHERE c.zi_id = z.zi_id) = 2"), "250");
    EXPECT_EQ(good("(SELECT count(*) FROM sm_event_queue e WHERE e.zone_id = z.id"
                   " AND e.event_type = 'ZoneSMDoBatchConfig' AND e.state = 'SUCCESS') = 1"),
              "250");
    EXPECT_EQ(good("(SELECT count(*) FROM sm_event_queue e WHERE e.zone_id = z.id"
                   " AND e.event_type = 'ZoneSMBatchConfig' AND e.processed IS NULL) = 1"),
              "250");
    EXPECT_EQ(good("(SELECT count(*) FROM audit_log a WHERE a.zone_id = z.id"
                   " AND a.operation = 'load_zones') = 1"),
              "250");
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_zone WHERE name IN ('bad.bulk.', 'rule.bulk.',"
                        " 'missing.bulk.')"),
              "0");
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_zone WHERE name = 'taken.bulk.'"), "1");
    EXPECT_EQ(sql_value("SELECT count(*) FROM zone_instances"), "251");
    // Each zone's content reads back as loaded, with a serial after the file's.
    const auto show = zt({"show_zone", "z249.bulk"});
    ASSERT_EQ(show.status, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr(";| Web servers"));
    EXPECT_THAT(show.out, HasSubstr("$TTL 300"));
    EXPECT_THAT(show.out, HasSubstr("2001:db8::10"));
    EXPECT_THAT(show.out, Not(HasSubstr("2026010100")));
}

TEST_F(ZoneCommands, LoadZonesGoesOneByOneWhenTheDatabaseRefusesAChunk) {
    // A zone the database itself refuses (here a trigger) fails its chunk: the chunk's
    // zones are then created one by one, and only that zone is left out.
    sql("CREATE FUNCTION refuse_z5() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN IF NEW.name = 'z5.bulk.' THEN RAISE EXCEPTION 'no z5 here'; END IF;"
        " RETURN NEW; END $$");
    sql("CREATE TRIGGER refuse_z5 BEFORE INSERT ON sm_zone FOR EACH ROW"
        " EXECUTE FUNCTION refuse_z5()");
    std::vector<std::string> args{"load_zones", "-f"};
    for (int i = 0; i < 20; ++i) {
        args.push_back(m_dir.write(fmt::format("z{}.bulk", i), good_zone));
    }
    const auto r = zt(args);
    EXPECT_EQ(r.status, 65) << r.err;
    EXPECT_THAT(r.out, HasSubstr("19 zone(s) loaded, 1 failed"));
    EXPECT_THAT(r.err, HasSubstr("z5.bulk: "));
    EXPECT_THAT(r.err, HasSubstr("no z5 here"));
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_zone WHERE state = 'BATCH_CREATE_1'"), "19");
    EXPECT_EQ(sql_value("SELECT count(*) FROM sm_event_queue WHERE event_type ="
                        " 'ZoneSMBatchConfig' AND processed IS NULL"),
              "19");
}

} // namespace
} // namespace dms::test
