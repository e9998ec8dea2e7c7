// SPDX-License-Identifier: GPL-3.0-or-later
// The names of dms::sm's tables are exactly what the schema accepts.
#include <set>

#include <gtest/gtest.h>

#include "dms/sm/names.hpp"

#include "pg_fixture.hpp"

namespace dms::test {
namespace {

class SmNamesDb : public DbTest {};

TEST_F(SmNamesDb, EveryZoneStateIsAcceptedAndNoOther) {
    int n = 0;
    for (const auto& s : sm::zone_states()) {
        const auto name = "z" + std::to_string(n++) + ".test.";
        EXPECT_EQ(sql_error("INSERT INTO sm_zone (name, state) VALUES ('" + name + "', '" +
                            std::string(s.name) + "')"),
                  "")
            << s.name;
    }
    EXPECT_EQ(sql_error("INSERT INTO sm_zone (name, state) VALUES ('x.test.', 'published')"),
              "23514");
    for (const auto& s : sm::lock_states()) {
        const std::string token = s.value == sm::LockState::edit_lock ? "1" : "NULL";
        EXPECT_EQ(sql_error("UPDATE sm_zone SET lock_state = '" + std::string(s.name) +
                            "', edit_lock_token = " + token + " WHERE name = 'z0.test.'"),
                  "")
            << s.name;
    }
}

TEST_F(SmNamesDb, EveryServerAndMasterStateIsAccepted) {
    int n = 0;
    for (const auto& s : sm::server_states()) {
        EXPECT_EQ(sql_error("INSERT INTO sm_servers (name, sg_id, address, state) VALUES ('s" +
                            std::to_string(n) + "', (SELECT id FROM server_groups), '127.0.1." +
                            std::to_string(n + 1) + "', '" + std::string(s.name) + "')"),
                  "")
            << s.name;
        ++n;
    }
    for (const auto& s : sm::master_states()) {
        EXPECT_EQ(sql_error("UPDATE sm_master SET state = '" + std::string(s.name) +
                            "', hold_stop = CASE WHEN '" + std::string(s.name) +
                            "' = 'HOLD' THEN now() END"),
                  "")
            << s.name;
    }
}

TEST_F(SmNamesDb, EventStatesAndResultCodesAreAccepted) {
    for (const auto& s : sm::event_states()) {
        const bool pending = s.value == sm::EventState::new_ || s.value == sm::EventState::retry;
        EXPECT_EQ(sql_error("INSERT INTO sm_event_queue (event_type, state, processed) VALUES "
                            "('ZoneSMUpdate', '" +
                            std::string(s.name) + "', " + (pending ? "NULL" : "now()") + ")"),
                  "")
            << s.name;
    }
    for (const auto& r : sm::result_codes()) {
        EXPECT_EQ(sql_error("INSERT INTO sm_event_queue (event_type, result_code) VALUES "
                            "('ZoneSMUpdate', " +
                            std::to_string(static_cast<int>(r.value)) + ")"),
                  "")
            << r.name;
    }
}

TEST_F(SmNamesDb, EventTypeTableMatchesTheCode) {
    std::set<std::string> in_code;
    for (const auto& e : sm::event_types()) {
        in_code.insert(std::string(e.name) + "/" + std::string(sm::to_string(e.machine)) + "/" +
                       (e.queued ? "t" : "f"));
    }
    std::set<std::string> in_db;
    for (const auto& row : sql("SELECT name, machine, queued FROM sm_event_types")) {
        in_db.insert(row[0] + "/" + row[1] + "/" + row[2]);
    }
    EXPECT_EQ(in_code, in_db);
}

} // namespace
} // namespace dms::test
