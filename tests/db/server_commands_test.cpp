// SPDX-License-Identifier: GPL-3.0-or-later
// zone_tool server group and server commands against a throwaway database (no dmsd:
// these commands record and queue; ServerSM and MasterSM run in dmsd).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ServerCommands : public ZoneToolDbTest {
protected:
    std::string count(const std::string& from_where) {
        return sql_value("SELECT count(*) FROM " + from_where);
    }
    /// Pending MasterSMPartialReconfig requests for the SG.
    std::string partials(const std::string& sg) {
        return count("sm_event_queue WHERE event_type = 'MasterSMPartialReconfig' AND processed "
                     "IS NULL AND parameters->>'sg_name' = '" +
                     sg +
                     "' AND (parameters->>'sg_id')::bigint = (SELECT id FROM server_groups "
                     "WHERE name = '" +
                     sg + "')");
    }
    std::string server(const std::string& name, const std::string& column) {
        return sql_value("SELECT " + column + " FROM sm_servers WHERE name = '" + name + "'");
    }
    std::string zone(const std::string& name, const std::string& column) {
        return sql_value("SELECT " + column + " FROM sm_zone z WHERE name = '" + name +
                         "' AND state <> 'DELETED'");
    }
    /// Forget the events queued so far (as if dmsd had run them).
    void drain() {
        sql("UPDATE sm_event_queue SET state = 'SUCCESS', processed = now() WHERE processed IS "
            "NULL");
    }
    void published(const std::string& name, const std::string& sg = "") {
        auto args = std::vector<std::string>{"create_zone"};
        if (!sg.empty()) {
            args.insert(args.end(), {"-g", sg});
        }
        args.push_back(name);
        ASSERT_EQ(zt(args).status, 0);
        sql("UPDATE sm_zone SET state = 'PUBLISHED', soa_serial = 1 WHERE name = '" + name + ".'");
    }
};

TEST_F(ServerCommands, CreateListShowServerGroups) {
    const auto made = zt({"create_sg", "sg-two", "/etc/dms/sg-two", "192.0.2.1", "2001:DB8::1"});
    ASSERT_EQ(made.status, 0) << made.err;
    EXPECT_EQ(sql_value("SELECT config_dir || ' ' || host(master_address) || ' ' || "
                        "host(master_alt_address) FROM server_groups WHERE name = 'sg-two'"),
              "/etc/dms/sg-two 192.0.2.1 2001:db8::1");
    EXPECT_EQ(zt({"create_sg", "sg-two"}).status, 73); // exists
    // Bad arguments are named and change nothing.
    const auto bad_name = zt({"create_sg", "two words"});
    EXPECT_EQ(bad_name.status, 64);
    EXPECT_THAT(bad_name.err, HasSubstr("bad server group name 'two words'"));
    const auto bad_addr = zt({"create_sg", "sg-x", "none", "192.0.2.300"});
    EXPECT_EQ(bad_addr.status, 64);
    EXPECT_THAT(bad_addr.err, HasSubstr("master address '192.0.2.300'"));
    EXPECT_EQ(zt({"create_sg", "sg-x", "relative/dir"}).status, 64);
    EXPECT_EQ(count("server_groups"), "2");

    // One replica SG only.
    ASSERT_EQ(zt({"create_sg", "-p", "replica", "none", "127.0.0.2"}).status, 0);
    const auto second = zt({"create_sg", "-p", "replica-2"});
    EXPECT_EQ(second.status, 65);
    EXPECT_THAT(second.err, HasSubstr("'replica' is the replica SG already"));
    EXPECT_EQ(sql_value("SELECT sg.name FROM sm_master m JOIN server_groups sg ON sg.id = "
                        "m.replica_sg_id"),
              "replica");

    const auto ls = zt({"ls_sg"});
    ASSERT_EQ(ls.status, 0) << ls.err;
    EXPECT_THAT(ls.out, HasSubstr("replica      -                127.0.0.2  -            replica"));
    EXPECT_THAT(ls.out, HasSubstr("sg-two       /etc/dms/sg-two  192.0.2.1  2001:db8::1"));
    EXPECT_THAT(zt({"ls_sg", "--json"}).out, HasSubstr("\"replica_sg\": true"));

    ASSERT_EQ(zt({"create_server", "-g", "replica", "dr1", "127.0.0.5"}).status, 0);
    const auto rep = zt({"show_replica_sg", "-v"});
    ASSERT_EQ(rep.status, 0) << rep.err;
    EXPECT_THAT(rep.out, HasSubstr("name:"));
    EXPECT_THAT(rep.out, HasSubstr("replica"));
    EXPECT_THAT(rep.out, HasSubstr("servers:"));
    EXPECT_THAT(rep.out, HasSubstr("dr1  127.0.0.5  replica  DISABLED"));
    const auto show = zt({"show_sg", "--json", "someorg-one"});
    ASSERT_EQ(show.status, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr("\"replica_sg\": false"));
    EXPECT_THAT(show.out, HasSubstr("\"servers\": 0"));
    EXPECT_EQ(zt({"show_sg", "nope"}).status, 68);
    EXPECT_EQ(count("dms_audit.audit_log WHERE operation = 'create_sg'"), "2");
}

TEST_F(ServerCommands, ChangeServerGroups) {
    ASSERT_EQ(zt({"create_sg", "sg-two"}).status, 0);
    drain();
    ASSERT_EQ(zt({"set_sg_master_address", "sg-two", "192.0.2.9"}).status, 0);
    ASSERT_EQ(zt({"set_sg_master_alt_address", "sg-two", "::1"}).status, 0);
    ASSERT_EQ(zt({"set_sg_config", "-f", "sg-two", "/srv/templates"}).status, 0);
    EXPECT_EQ(sql_value("SELECT host(master_address) || ' ' || host(master_alt_address) || ' ' || "
                        "config_dir FROM server_groups WHERE name = 'sg-two'"),
              "192.0.2.9 ::1 /srv/templates");
    // The SG's configuration changes: one coalesced reconfiguration request.
    EXPECT_EQ(partials("sg-two"), "1");
    ASSERT_EQ(zt({"set_sg_master_address", "sg-two", "none"}).status, 0);
    ASSERT_EQ(zt({"set_sg_config", "-f", "sg-two", "none"}).status, 0);
    EXPECT_EQ(sql_value("SELECT coalesce(host(master_address), 'null') || ' ' || "
                        "coalesce(config_dir, 'null') FROM server_groups WHERE name = 'sg-two'"),
              "null null");
    EXPECT_EQ(zt({"set_sg_master_address", "sg-two", "example.org"}).status, 64);
    // Confirmation: no terminal and no -f declines, changing nothing.
    EXPECT_EQ(zt({"rename_sg", "sg-two", "sg-2"}).status, 75);
    EXPECT_EQ(count("server_groups WHERE name = 'sg-2'"), "0");

    // Renaming the default SG keeps zone_cfg default_sg pointing at it.
    ASSERT_EQ(zt({"rename_sg", "-f", "someorg-one", "main"}).status, 0);
    EXPECT_EQ(sql_value("SELECT value FROM zone_cfg WHERE key = 'default_sg'"), "main");
    EXPECT_EQ(zt({"rename_sg", "-f", "main", "sg-two"}).status, 73);
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    EXPECT_EQ(zone("example.org.", "(SELECT name FROM server_groups WHERE id = z.sg_id)"), "main");
    EXPECT_EQ(partials("main"), "1");

    // The replica SG can move; both the old and the new one reconfigure.
    ASSERT_EQ(zt({"set_sg_replica_sg", "-f", "sg-two"}).status, 0);
    drain();
    ASSERT_EQ(zt({"set_sg_replica_sg", "-f", "main"}).status, 0);
    EXPECT_EQ(partials("main"), "1");
    EXPECT_EQ(partials("sg-two"), "1");
    ASSERT_EQ(zt({"set_sg_replica_sg", "-f", "none"}).status, 0);
    EXPECT_EQ(sql_value("SELECT coalesce(replica_sg_id::text, 'none') FROM sm_master"), "none");
    EXPECT_EQ(zt({"show_replica_sg"}).status, 68);
    EXPECT_EQ(zt({"reconfig_replica_sg"}).status, 68);
}

TEST_F(ServerCommands, DeleteServerGroupOnlyWhenUnused) {
    ASSERT_EQ(zt({"create_sg", "sg-two"}).status, 0);
    ASSERT_EQ(zt({"create_sg", "sg-three"}).status, 0);
    ASSERT_EQ(zt({"create_zone", "-g", "sg-two", "example.org"}).status, 0);
    const auto zones = zt({"delete_sg", "sg-two"});
    EXPECT_EQ(zones.status, 65);
    EXPECT_THAT(zones.err, HasSubstr("used by 1 zone(s)"));
    // Deleted zones still refer to their SG.
    ASSERT_EQ(zt({"delete_zone", "example.org"}).status, 0);
    EXPECT_THAT(zt({"delete_sg", "sg-two"}).err,
                HasSubstr("used by 1 zone(s) (1 deleted, until destroyed): move them first"));
    sql("DELETE FROM sm_zone");
    // An alternate SG is a use too.
    ASSERT_EQ(zt({"create_zone", "example.net"}).status, 0);
    ASSERT_EQ(zt({"dupe_zone_alt_sg", "example.net", "sg-two"}).status, 0);
    const auto alt = zt({"delete_sg", "sg-two"});
    EXPECT_EQ(alt.status, 65);
    EXPECT_THAT(alt.err, HasSubstr("used by 1 zone(s) as their alternate SG"));
    ASSERT_EQ(zt({"delete_zone_alt_sg", "example.net"}).status, 0);
    ASSERT_EQ(zt({"create_server", "-g", "sg-two", "s1", "192.0.2.1"}).status, 0);
    const auto servers = zt({"delete_sg", "sg-two"});
    EXPECT_EQ(servers.status, 65);
    EXPECT_THAT(servers.err, HasSubstr("has 1 server(s)"));
    ASSERT_EQ(zt({"move_server_sg", "s1", "sg-three"}).status, 0);
    ASSERT_EQ(zt({"delete_sg", "sg-two"}).status, 0);
    EXPECT_EQ(count("server_groups WHERE name = 'sg-two'"), "0");
    EXPECT_EQ(zt({"delete_sg", "sg-two"}).status, 68);
    // zone_cfg's default SG cannot go.
    sql("DELETE FROM sm_zone");
    const auto def = zt({"delete_sg", "someorg-one"});
    EXPECT_EQ(def.status, 65);
    EXPECT_THAT(def.err, HasSubstr("default_sg"));
    EXPECT_EQ(count("dms_audit.audit_log WHERE operation = 'delete_sg'"), "1");
}

TEST_F(ServerCommands, CreateListAndShowServers) {
    ASSERT_EQ(zt({"create_sg", "-p", "replica"}).status, 0);
    drain();
    const auto made = zt({"create_server", "-P", "5301,9531,8731", "s1", "127.0.0.3"});
    ASSERT_EQ(made.status, 0) << made.err;
    EXPECT_THAT(made.out, HasSubstr("DISABLED"));
    EXPECT_EQ(server("s1", "state || ' ' || server_type || ' ' || host(address) || ' ' || "
                           "dns_port || ' ' || rndc_port || ' ' || rsync_port"),
              "DISABLED bind9 127.0.0.3 5301 9531 8731");
    EXPECT_EQ(server("s1", "(SELECT name FROM server_groups WHERE id = sg_id)"), "someorg-one");
    // The master's ACLs list the SG's servers: its SG is reconfigured.
    EXPECT_EQ(partials("someorg-one"), "1");
    // Another port on the same address is another server; the same port is refused.
    ASSERT_EQ(
        zt({"create_server", "-P", "5302,,8732", "s2", "127.0.0.3", "nsd3", "192.0.2.7"}).status,
        0);
    EXPECT_EQ(server("s2", "dns_port || ' ' || rndc_port || ' ' || host(ssh_address)"),
              "5302 953 192.0.2.7");
    const auto taken = zt({"create_server", "-P", "5301", "s3", "127.0.0.3"});
    EXPECT_EQ(taken.status, 65);
    EXPECT_THAT(taken.err, HasSubstr("'s1' already has address 127.0.0.3 port 5301"));
    ASSERT_EQ(zt({"create_server", "-g", "replica", "dr1", "2001:DB8::53"}).status, 0);
    EXPECT_EQ(zt({"create_server", "s1", "127.0.0.9"}).status, 73);
    EXPECT_THAT(zt({"create_server", "s4", "127.0.0.300"}).err,
                HasSubstr("server address '127.0.0.300'"));
    EXPECT_EQ(zt({"create_server", "s4", "127.0.0.4", "knot"}).status, 64);
    EXPECT_EQ(zt({"create_server", "-P", "70000", "s4", "127.0.0.4"}).status, 64);
    EXPECT_EQ(zt({"create_server", "-g", "nope", "s4", "127.0.0.4"}).status, 68);
    EXPECT_THAT(zt({"create_server", "s 4", "127.0.0.4"}).err, HasSubstr("bad server name 's 4'"));
    EXPECT_EQ(count("sm_servers"), "3");

    // What the probe recorded shows with -v.
    sql("UPDATE sm_servers SET state = 'OK', last_reply = '2026-01-02 03:04:05+00', "
        "probe_rtt_ms = 1.25, zone_count = 12, lagging_zones = 1, repairs = 9 WHERE name = 's1'");
    sql("UPDATE sm_servers SET state = 'RETRY', retry_msg = 'connection refused' WHERE name = "
        "'s2'");
    const auto ls = zt({"ls_server"});
    ASSERT_EQ(ls.status, 0) << ls.err;
    EXPECT_EQ(ls.out, "dr1  2001:db8::53  replica      DISABLED\n"
                      "s1   127.0.0.3     someorg-one  OK\n"
                      "s2   127.0.0.3     someorg-one  RETRY\n");
    const auto verbose = zt({"ls_server", "-v", "s*"});
    EXPECT_THAT(verbose.out, ::testing::StartsWith("name  type   sg           state  address    "
                                                   "dns/rndc/rsync  ssh        last_reply"));
    EXPECT_THAT(verbose.out, HasSubstr("\ns1    bind9  someorg-one  OK     127.0.0.3  "
                                       "5301/9531/8731  -          2026-01-02 03:04:05  1.25ms"
                                       "     12     1        9\n"));
    EXPECT_THAT(verbose.out, HasSubstr("RETRY  127.0.0.3  5302/953/8732   192.0.2.7"));
    EXPECT_THAT(verbose.out, HasSubstr("connection refused"));
    EXPECT_THAT(verbose.out, Not(HasSubstr("dr1")));
    EXPECT_EQ(zt({"ls_server", "-t"}).out.find("dr1"), std::string::npos); // enabled only
    EXPECT_THAT(zt({"ls_server", "-g", "replica"}).out, HasSubstr("dr1"));
    EXPECT_EQ(zt({"ls_server", "-g", "nope"}).status, 68);
    EXPECT_EQ(zt({"ls_server", "x*"}).status, 68);
    // ls_slave leaves the replica SG out unless -a.
    EXPECT_THAT(zt({"ls_slave"}).out, Not(HasSubstr("dr1")));
    EXPECT_THAT(zt({"ls_slave", "-a"}).out, HasSubstr("dr1"));
    const auto json = zt({"ls_server", "--json", "s1"});
    EXPECT_THAT(json.out, HasSubstr("\"probe_rtt_ms\": 1.25"));
    EXPECT_THAT(json.out, HasSubstr("\"repairs\": 9"));
    EXPECT_THAT(json.out, HasSubstr("\"last_reply\": \"2026-01-02 03:04:05\""));

    const auto show = zt({"show_server", "s2"});
    ASSERT_EQ(show.status, 0) << show.err;
    EXPECT_THAT(show.out, HasSubstr("server_type:"));
    EXPECT_THAT(show.out, HasSubstr("nsd3"));
    EXPECT_THAT(show.out, HasSubstr("connection refused"));
    EXPECT_EQ(zt({"show_server", "nope"}).status, 68);
    const auto byaddr = zt({"show_server_byaddr", "127.0.0.3"});
    EXPECT_THAT(byaddr.out, HasSubstr("s1"));
    EXPECT_THAT(byaddr.out, HasSubstr("s2"));
    EXPECT_THAT(zt({"show_server_byaddr", "2001:db8:0::53"}).out, HasSubstr("dr1"));
    EXPECT_EQ(zt({"show_server_byaddr", "192.0.2.99"}).status, 68);
    EXPECT_EQ(zt({"show_server_byaddr", "bogus"}).status, 64);
    EXPECT_EQ(
        count("dms_audit.audit_log WHERE operation = 'create_server' AND server_id IS NOT NULL"),
        "3");
}

TEST_F(ServerCommands, ChangesNeedADisabledServer) {
    ASSERT_EQ(zt({"create_sg", "sg-two"}).status, 0);
    ASSERT_EQ(zt({"create_server", "s1", "192.0.2.1"}).status, 0);
    ASSERT_EQ(zt({"create_server", "s2", "192.0.2.2"}).status, 0);
    sql("UPDATE sm_servers SET state = 'OK' WHERE name = 's1'");
    const std::vector<std::vector<std::string>> refused{
        {"set_server_type", "s1", "nsd3"},  {"set_server_address", "s1", "192.0.2.3"},
        {"set_server_ports", "s1", "5353"}, {"rename_server", "-f", "s1", "s9"},
        {"move_server_sg", "s1", "sg-two"}, {"delete_server", "-f", "s1"}};
    for (const auto& cmd : refused) {
        const auto r = zt(cmd);
        EXPECT_EQ(r.status, 76) << cmd[0];
        EXPECT_THAT(r.err, HasSubstr("server 's1' is OK: disable_server it")) << cmd[0];
    }
    EXPECT_EQ(server("s1", "server_type || ' ' || host(address) || ' ' || dns_port"),
              "bind9 192.0.2.1 53");
    // The ssh address is no concern of ServerSM's.
    ASSERT_EQ(zt({"set_server_ssh_address", "s1", "192.0.2.200"}).status, 0);
    EXPECT_EQ(server("s1", "host(ssh_address)"), "192.0.2.200");
    ASSERT_EQ(zt({"set_server_ssh_address", "s1", "none"}).status, 0);
    EXPECT_EQ(server("s1", "coalesce(host(ssh_address), 'none')"), "none");

    drain();
    ASSERT_EQ(zt({"set_server_type", "s2", "nsd3"}).status, 0);
    ASSERT_EQ(zt({"set_server_address", "s2", "2001:db8::2"}).status, 0);
    ASSERT_EQ(zt({"set_server_ports", "s2", "-", "9530"}).status, 0);
    EXPECT_EQ(server("s2", "server_type || ' ' || host(address) || ' ' || dns_port || ' ' || "
                           "rndc_port || ' ' || rsync_port"),
              "nsd3 2001:db8::2 53 9530 873");
    EXPECT_EQ(zt({"set_server_ports", "s2", "0"}).status, 64);
    EXPECT_EQ(zt({"set_server_address", "s2", "192.0.2.1"}).status, 65); // s1's
    EXPECT_EQ(partials("someorg-one"), "1");
    ASSERT_EQ(zt({"rename_server", "-f", "s2", "s3"}).status, 0);
    EXPECT_EQ(zt({"rename_server", "-f", "s3", "s1"}).status, 73);
    drain();
    ASSERT_EQ(zt({"move_server_sg", "s3", "sg-two"}).status, 0);
    EXPECT_EQ(server("s3", "(SELECT name FROM server_groups WHERE id = sg_id)"), "sg-two");
    EXPECT_EQ(partials("someorg-one"), "1");
    EXPECT_EQ(partials("sg-two"), "1");
    // Deleting cancels what was still queued for the server.
    sql("INSERT INTO sm_event_queue (event_type, server_id) SELECT 'ServerSMCheckServer', id FROM "
        "sm_servers WHERE name = 's3'");
    EXPECT_EQ(zt({"delete_server", "s3"}).status, 75); // not confirmed
    ASSERT_EQ(zt({"delete_server", "-f", "s3"}).status, 0);
    EXPECT_EQ(count("sm_servers WHERE name = 's3'"), "0");
    EXPECT_EQ(count("sm_event_queue WHERE event_type = 'ServerSMCheckServer' AND state = "
                    "'CANCELLED'"),
              "1");
    EXPECT_EQ(
        count("dms_audit.audit_log WHERE operation IN ('set_server_type', 'set_server_address', "
              "'set_server_ports', 'rename_server', 'move_server_sg', 'delete_server', "
              "'set_server_ssh_address')"),
        "8");
}

TEST_F(ServerCommands, ZoneServerGroups) {
    ASSERT_EQ(zt({"create_sg", "sg-two"}).status, 0);
    ASSERT_EQ(zt({"create_zone", "example.org"}).status, 0);
    const auto live = zt({"set_zone_sg", "example.org", "sg-two"});
    EXPECT_EQ(live.status, 76);
    EXPECT_THAT(live.err, HasSubstr("disable_zone it"));
    ASSERT_EQ(zt({"disable_zone", "example.org"}).status, 0);
    ASSERT_EQ(zt({"set_zone_sg", "-g", "sg-two", "example.org"}).status, 0);
    EXPECT_EQ(zone("example.org.", "(SELECT name FROM server_groups WHERE id = z.sg_id)"),
              "sg-two");
    ASSERT_EQ(zt({"set_zone_sg", "example.org"}).status, 0); // back to default_sg
    EXPECT_EQ(zone("example.org.", "(SELECT name FROM server_groups WHERE id = z.sg_id)"),
              "someorg-one");
    EXPECT_EQ(zt({"set_zone_sg", "example.org", "nope"}).status, 68);
    ASSERT_EQ(zt({"enable_zone", "example.org"}).status, 0);

    // SG migration: dupe, swap, delete the alternate.
    drain();
    const auto same = zt({"dupe_zone_alt_sg", "example.org", "someorg-one"});
    EXPECT_EQ(same.status, 64);
    EXPECT_THAT(same.err, HasSubstr("the alternate SG must be another"));
    const auto dupe = zt({"dupe_zone_alt_sg", "example.org", "sg-two"});
    ASSERT_EQ(dupe.status, 0) << dupe.err;
    EXPECT_THAT(dupe.out, HasSubstr("alternate SG sg-two"));
    EXPECT_EQ(partials("sg-two"), "1");
    EXPECT_EQ(count("sm_event_queue WHERE event_type = 'ZoneSMDoSetAltSg' AND state = 'SUCCESS'"),
              "1");
    EXPECT_EQ(zt({"swap_zone_sg", "example.org"}).status, 75); // not confirmed
    ASSERT_EQ(zt({"swap_zone_sg", "-f", "example.org"}).status, 0);
    EXPECT_EQ(zone("example.org.", "(SELECT name FROM server_groups WHERE id = z.sg_id) || ' ' || "
                                   "(SELECT name FROM server_groups WHERE id = z.alt_sg_id)"),
              "sg-two someorg-one");
    drain();
    ASSERT_EQ(zt({"delete_zone_alt_sg", "example.org"}).status, 0);
    EXPECT_EQ(zone("example.org.", "coalesce(alt_sg_id::text, 'none')"), "none");
    EXPECT_EQ(partials("someorg-one"), "1"); // it no longer serves the zone
    const auto again = zt({"delete_zone_alt_sg", "example.org"});
    ASSERT_EQ(again.status, 0);
    EXPECT_THAT(again.out, HasSubstr("no alternate SG to clear"));
    EXPECT_EQ(zt({"swap_zone_sg", "-f", "example.org"}).status, 76);

    // Replacing an alternate SG reconfigures the one replaced too.
    ASSERT_EQ(zt({"create_sg", "sg-three"}).status, 0);
    ASSERT_EQ(zt({"dupe_zone_alt_sg", "example.org", "someorg-one"}).status, 0);
    drain();
    ASSERT_EQ(zt({"dupe_zone_alt_sg", "example.org", "sg-three"}).status, 0);
    EXPECT_EQ(partials("sg-three"), "1");
    EXPECT_EQ(partials("someorg-one"), "1");
    EXPECT_EQ(count("dms_audit.audit_log WHERE operation IN ('set_zone_sg', 'dupe_zone_alt_sg', "
                    "'swap_zone_sg', 'delete_zone_alt_sg') AND zone_id IS NOT NULL"),
              "7");
}

TEST_F(ServerCommands, ReconfigureAndRefresh) {
    ASSERT_EQ(zt({"create_sg", "sg-two"}).status, 0);
    drain();
    const auto first = zt({"reconfig_sg", "sg-two"});
    ASSERT_EQ(first.status, 0) << first.err;
    const auto second = zt({"reconfig_sg", "sg-two"});
    EXPECT_EQ(first.out, second.out); // the same event: coalesced
    EXPECT_EQ(partials("sg-two"), "1");
    EXPECT_EQ(zt({"reconfig_sg", "nope"}).status, 68);
    ASSERT_EQ(zt({"reconfig_all"}).status, 0);
    EXPECT_EQ(count("sm_event_queue WHERE event_type = 'MasterSMAllReconfig' AND processed IS "
                    "NULL AND master_id = 1"),
              "1");
    ASSERT_EQ(zt({"create_sg", "-p", "replica"}).status, 0);
    ASSERT_EQ(zt({"reconfig_replica_sg"}).status, 0);
    EXPECT_EQ(partials("replica"), "1");

    published("a.example.org");
    published("b.example.org");
    published("c.example.org", "sg-two");
    ASSERT_EQ(zt({"create_zone", "d.example.org"}).status, 0); // not published
    drain();
    EXPECT_EQ(zt({"refresh_sg", "someorg-one"}).status, 75); // not confirmed
    EXPECT_EQ(count("sm_event_queue WHERE processed IS NULL"), "0");
    const auto sg = zt({"refresh_sg", "-f", "--json", "someorg-one"});
    ASSERT_EQ(sg.status, 0) << sg.err;
    EXPECT_EQ(sg.out, "[\n  \"a.example.org.\",\n  \"b.example.org.\"\n]\n");
    EXPECT_EQ(count("sm_event_queue WHERE event_type = 'ZoneSMUpdate' AND processed IS NULL"), "2");
    drain();
    const auto all = zt({"refresh_all", "-f"});
    ASSERT_EQ(all.status, 0) << all.err;
    EXPECT_EQ(all.out, "3 zone(s) refreshed\n");
    EXPECT_EQ(count("sm_event_queue WHERE event_type = 'ZoneSMDoRefresh' AND state = 'SUCCESS'"),
              "5");
    EXPECT_EQ(count("dms_audit.audit_log WHERE operation IN ('refresh_sg', 'refresh_all')"), "5");
    EXPECT_EQ(count("dms_audit.audit_log WHERE operation IN ('reconfig_sg', 'reconfig_all', "
                    "'reconfig_replica_sg')"),
              "4");
}

} // namespace
} // namespace dms::test
