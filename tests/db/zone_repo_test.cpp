// SPDX-License-Identifier: GPL-3.0-or-later
// Repositories: zones, zone instances (COPY in, grouped load out), server groups, zone_cfg,
// apex NS, references, events.
#include <gtest/gtest.h>

#include "dms/core/zone_text.hpp"
#include "dms/db/apex_ns.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/references.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zis.hpp"
#include "dms/db/zone_cfg.hpp"
#include "dms/db/zones.hpp"

#include "pg_fixture.hpp"

namespace dms::test {
namespace {

ZoneData parse_ok(const std::string& text) {
    ParseOptions o;
    o.zone_name = "example.org";
    auto r = parse_zone_text(text, o);
    EXPECT_TRUE(r.ok()) << format_findings("t", r.findings);
    return r.zone;
}

constexpr const char* text = R"($TTL 1h
;| Apex resource records for example.org.
@ SOA ns1 hostmaster 2026010100 2h 900 7d 1h
@ NS ns1
ns1 A 192.0.2.1

;| Web
;# tab	and back\slash and "quotes"
www 300 A 192.0.2.10
;!DISABLE TRACKREV REF:Cust-1
old A 192.0.2.11
;!LOCKPTR REF:Cust-1
www AAAA 2001:db8::10

mail MX 10 mx.example.net.
txt TXT "multi\010line"
)";

class ZoneRepo : public DbTest {
protected:
    db::ZoneRecord new_zone(db::Transaction& tx, const std::string& name) {
        db::ZoneRecord z;
        z.name = name;
        z.sg_id = db::sgs::find(tx, "someorg-one")->id;
        z.id = db::zones::insert(tx, z);
        return z;
    }
};

TEST_F(ZoneRepo, BigZiRoundTripsThroughCopyAndManyLoadAtOnce) {
    // Small ZIs are written with INSERT from arrays, big ones with COPY: both keep every
    // field. load_many gives each ZI its own records.
    std::string big = text;
    for (int i = 0; i < 700; ++i) {
        big += (i % 100 == 0 ? "\n;| block " + std::to_string(i) + "\n" : std::string()) +
               (i % 7 == 0 ? ";# rec\t" + std::to_string(i) + "\n" : std::string()) +
               (i % 11 == 0 ? ";!DISABLE REF:blk-" + std::to_string(i % 3) + "\n" : std::string()) +
               "h" + std::to_string(i) + (i % 5 == 0 ? " 60" : "") + " A 10.0." +
               std::to_string(i / 250) + "." + std::to_string(i % 250) + "\n";
    }
    const auto small = parse_ok(text);
    const auto large = parse_ok(big);
    ASSERT_GT(large.rr_count(), 700U);
    session().transaction("t", [&](db::Transaction& tx) {
        auto z = new_zone(tx, "example.org.");
        const auto zi_small = db::zis::insert(tx, z.id, small, {});
        const auto zi_large = db::zis::insert(tx, z.id, large, {});
        auto back = db::zis::load(tx, zi_large);
        ASSERT_TRUE(back);
        back->name = large.name;
        EXPECT_EQ(print_zone_text(*back), print_zone_text(large));
        auto many = db::zis::load_many(tx, {zi_small, zi_large, zi_large + 1000});
        ASSERT_EQ(many.size(), 2U);
        many.at(zi_small).name = small.name;
        many.at(zi_large).name = large.name;
        EXPECT_EQ(print_zone_text(many.at(zi_small)), print_zone_text(small));
        EXPECT_EQ(print_zone_text(many.at(zi_large)), print_zone_text(large));
    });
}

TEST_F(ZoneRepo, OldPlansAreDiscardedButPreparedStatementsStay) {
    // Plans dropped before every transaction: the prepared statements must survive it
    // (DISCARD ALL would drop them and the second look-up would fail).
    auto settings = m_settings;
    settings.plan_lifetime = std::chrono::milliseconds(0);
    auto s = db::Session::open(settings);
    const auto id =
        s.transaction("zone", [&](db::Transaction& tx) { return new_zone(tx, "plans.test.").id; });
    for (int i = 0; i < 3; ++i) {
        const auto found = s.transaction(
            "find", [&](db::Transaction& tx) { return db::zones::find_by_id(tx, id); });
        ASSERT_TRUE(found);
        EXPECT_EQ(found->name, "plans.test.");
    }
}

TEST_F(ZoneRepo, ZiRoundTripThroughTheDatabase) {
    const auto data = parse_ok(text);
    session().transaction("t", [&](db::Transaction& tx) {
        auto z = new_zone(tx, "example.org.");
        db::zis::InsertOptions o;
        o.change_by = "me@host/Admin";
        const auto zi = db::zis::insert(tx, z.id, data, o);
        db::ZiRecord h;
        auto back = db::zis::load(tx, zi, &h);
        ASSERT_TRUE(back);
        EXPECT_EQ(h.change_by, "me@host/Admin");
        EXPECT_EQ(h.soa_serial, 2026010100U);
        back->name = data.name;
        // Same text when printed: every field, comment, flag and group survived.
        EXPECT_EQ(print_zone_text(*back), print_zone_text(data));
        // References match case-insensitively and keep the case first written.
        auto other = data;
        other.groups[1].rrs[0].reference = "CUST-1";
        db::zis::insert(tx, z.id, other, o);
        const auto refs = db::references::list(tx, {"cust*"});
        ASSERT_EQ(refs.size(), 1U);
        EXPECT_EQ(refs[0].reference, "Cust-1");
        EXPECT_FALSE(db::zis::load(tx, zi + 1000));
    });
    EXPECT_EQ(sql_value("SELECT count(*) FROM resource_records"), "14");
    EXPECT_EQ(sql_value("SELECT comment FROM rr_comments WHERE comment LIKE 'tab%'"),
              "tab\tand back\\slash and \"quotes\"");
}

TEST_F(ZoneRepo, ZoneListFilters) {
    session().transaction("t", [&](db::Transaction& tx) {
        for (const auto* n : {"a.test.", "b.test.", "c.example.", "d_x.test."}) {
            new_zone(tx, n);
        }
        auto z = db::zones::find_live(tx, "b.test.", true);
        ASSERT_TRUE(z);
        z->state = "DELETED";
        db::zones::update(tx, *z);
        z->ref_id = db::references::ensure(tx, "Cust-9");
        db::zones::update(tx, *z);
    });
    auto names = [&](const db::ZoneFilter& f) {
        return session().transaction("t", [&](db::Transaction& tx) {
            std::string out;
            for (const auto& z : db::zones::list(tx, f)) {
                out += z.name + " ";
            }
            return out;
        });
    };
    db::ZoneFilter f;
    EXPECT_EQ(names(f), "a.test. c.example. d_x.test. ");
    f.patterns = {"*.test."};
    EXPECT_EQ(names(f), "a.test. d_x.test. ");
    f.patterns = {"?_x.test."}; // '_' is literal, '?' one character
    EXPECT_EQ(names(f), "d_x.test. ");
    f.patterns = {};
    f.deleted = db::ZoneFilter::Deleted::only;
    EXPECT_EQ(names(f), "b.test. ");
    f.reference = "cust-*";
    EXPECT_EQ(names(f), "b.test. ");
    f.reference = "nope";
    EXPECT_EQ(names(f), "");
}

TEST_F(ZoneRepo, ZoneCfgAndApexNs) {
    session().transaction("t", [&](db::Transaction& tx) {
        const auto sg = db::sgs::find(tx, "someorg-one")->id;
        EXPECT_EQ(db::zone_cfg::value(tx, "soa_mname", sg), "ns1.someorg.net.");
        EXPECT_EQ(db::zone_cfg::value(tx, "zone_ttl", sg), "1h");
        db::zone_cfg::set(tx, "zone_ttl", "5m", sg);
        EXPECT_EQ(db::zone_cfg::value(tx, "zone_ttl", sg), "5m");
        EXPECT_EQ(db::zone_cfg::value(tx, "zone_ttl"), "1h");
        EXPECT_EQ(db::apex_ns::list(tx, sg),
                  (std::vector<std::string>{"ns1.someorg.net.", "ns2.someorg.net."}));
        EXPECT_TRUE(db::apex_ns::list(tx, std::nullopt).empty());
        db::apex_ns::replace(tx, std::nullopt, {"a.example.", "b.example."});
        // An SG without its own list falls back to the global one.
        db::apex_ns::replace(tx, sg, {});
        EXPECT_EQ(db::apex_ns::list(tx, sg),
                  (std::vector<std::string>{"a.example.", "b.example."}));
        EXPECT_EQ(db::master::get(tx).state, "READY");
    });
}

TEST_F(ZoneRepo, EventsPendingCancelReschedule) {
    session().transaction("t", [&](db::Transaction& tx) {
        auto z = new_zone(tx, "e.test.");
        db::NewEvent e;
        e.event_type = "ZoneSMConfig";
        e.zone_id = z.id;
        e.parameters = R"({"name": "e.test."})";
        const auto a = db::events::insert(tx, e);
        e.delay = std::chrono::seconds(3600);
        const auto b = db::events::insert(tx, e);
        e.done = db::NewEvent::Done{"SUCCESS", 200, R"({"message": "ok"})"};
        e.event_type = "ZoneSMDoConfig";
        db::events::insert(tx, e);
        const auto pend = db::events::pending(tx);
        ASSERT_EQ(pend.size(), 2U);
        EXPECT_EQ(pend[0].id, a);
        EXPECT_EQ(pend[0].zone_name, "e.test.");
        EXPECT_TRUE(db::events::cancel(tx, b, "edit lock released"));
        EXPECT_FALSE(db::events::cancel(tx, b, "again"));
        EXPECT_TRUE(db::events::reschedule(tx, a, std::chrono::seconds(60)));
        const auto ev = db::events::find(tx, b);
        ASSERT_TRUE(ev);
        EXPECT_EQ(ev->state, "CANCELLED");
        EXPECT_NE(ev->results.find("edit lock released"), std::string::npos);
        EXPECT_EQ(db::events::recent(tx, 10, false).size(), 2U);
        EXPECT_EQ(db::events::recent(tx, 10, true).size(), 0U);
    });
}

} // namespace
} // namespace dms::test
