// SPDX-License-Identifier: GPL-3.0-or-later
// dmsd's batched zone events against a real database, with named faked: one
// transaction runs several zones' events, each in a savepoint of its own.
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/dmsd/event_processor.hpp"

#include "queue_fixture.hpp"

namespace dms::test {
namespace {

/// The master named as far as ZoneSMReconfigCheck asks it: every zone served except
/// `failing`, for which the query throws as an rndc failure would.
class FakeNamed : public drivers::NamedDriver {
public:
    std::string failing;
    std::multiset<std::string> asked;
    std::chrono::milliseconds reconfig_delay{0}; ///< how long an rndc reconfig takes

    drivers::ZoneSoa zone_soa(std::string_view zone) override {
        asked.emplace(zone);
        if (zone == failing) {
            throw Error(ErrorCode::io, "fake named: connection refused");
        }
        return {drivers::ZoneSoa::Kind::served, 1, {}};
    }
    drivers::Transfer transfer(std::string_view) override { return {}; }
    drivers::UpdateResult update(const dns::Update&) override { return {}; }
    void write_zone_file(std::string_view, std::string_view, DeferredSync*) override {}
    void remove_zone_files(std::string_view) override {}
    void write_master_config(const drivers::MasterConfig&) override {}
    void reconfig() override { std::this_thread::sleep_for(reconfig_delay); }
    void rndc_zone(std::string_view, std::string_view) override {}
    bool control_channel_answers() override { return true; }
    std::string zone_file_path(std::string_view zone) const override {
        return "/nonexistent/" + std::string(zone);
    }
    std::optional<std::string> zone_load_problem(std::string_view) override { return std::nullopt; }
    drivers::DnssecRecords dnssec_records(std::string_view) override { return {}; }
    std::vector<drivers::KeyState> key_states(std::string_view) override { return {}; }
};

class NoSlaves : public drivers::SlaveDriver {
public:
    void write_sg_config(const drivers::SgConfig&) override {}
    drivers::SlaveStep send_config(const drivers::SlaveTarget&) override { return {}; }
    drivers::SlaveStep send_directory(const drivers::SlaveTarget&, const std::string&) override {
        return {};
    }
    drivers::SlaveStep send_keys(const drivers::SlaveTarget&) override { return {}; }
    drivers::SlaveStep reload_config(const drivers::SlaveTarget&) override { return {}; }
    drivers::SlaveStep probe(const drivers::SlaveTarget&) override { return {}; }
    drivers::SlaveStep status(const drivers::SlaveTarget&, drivers::SlaveStatus&) override {
        return {};
    }
    drivers::ZoneAnswer zone_serial(const drivers::SlaveTarget&, std::string_view) override {
        return {};
    }
    drivers::SlaveStep notify(const drivers::SlaveTarget&, std::string_view,
                              const std::string&) override {
        return {};
    }
    drivers::SlaveStep retransfer(const drivers::SlaveTarget&, std::string_view) override {
        return {};
    }
};

constexpr const char* worker_name = "batch-test/w1";

class DmsdBatch : public Queue {
protected:
    /// A BATCH_CREATE_2 zone (file written, waiting for named) with its ReconfigCheck
    /// due `due` from now; returns the event's id.
    std::int64_t add_waiting_zone(const std::string& name, const std::string& due) {
        const auto z = add_zone(name, "BATCH_CREATE_2");
        const auto zi = add_zi(z);
        sql("UPDATE sm_zone SET zi_candidate_id = " + std::to_string(zi) +
            ", zone_files = true WHERE id = " + std::to_string(z));
        m_zi[name] = zi;
        // As BatchConfig queues it: naming the ZI it wrote to the file.
        const auto id = add_event("ZoneSMReconfigCheck", z, due);
        sql(fmt::format(R"(UPDATE sm_event_queue SET parameters = '{{"zi_id": {}}}' WHERE id = {})",
                        zi, id));
        return id;
    }
    std::string zone_field(const std::string& name, const std::string& expression) {
        return sql_value("SELECT " + expression + " FROM sm_zone WHERE name = '" + name + "'");
    }
    /// The hold after a reconfiguration that took 300 ms, with master_hold_timeout 1 s and
    /// master_hold_reconfig_factor `factor`: ms from hold_start to hold_stop, and from
    /// now until the hold timeout event is due.
    std::pair<double, double> hold_after_reconfig(const std::string& factor) {
        m_config.values["master_hold_timeout"] = "1";
        m_config.values["master_hold_reconfig_factor"] = factor;
        m_named.reconfig_delay = std::chrono::milliseconds(300);
        const auto ev = add_master_event("MasterSMMasterReconfig");
        EXPECT_EQ(process_one(), dmsd::EventProcessor::Step::processed);
        EXPECT_EQ(event_field(ev, "state"), "SUCCESS");
        EXPECT_EQ(sql_value("SELECT state FROM sm_master"), "HOLD");
        return {std::stod(sql_value("SELECT extract(epoch from hold_stop - hold_start) * 1000"
                                    " FROM sm_master")),
                // When the hold timeout is due, against the end of the hold (not
                // against now(): a slow machine must not change the answer).
                std::stod(sql_value("SELECT extract(epoch from e.scheduled - m.hold_stop) * 1000"
                                    " FROM sm_event_queue e, sm_master m WHERE e.event_type ="
                                    " 'MasterSMHoldTimeout' AND e.processed IS NULL"))};
    }
    dmsd::EventProcessor::Step process_one() {
        dmsd::EventProcessor p(session(), m_config, m_named, m_slaves, worker_name, 3);
        return p.process_one();
    }

    Config m_config = default_config(Program::dmsd);
    FakeNamed m_named;
    NoSlaves m_slaves;
    std::map<std::string, std::int64_t> m_zi;
};

using Step = dmsd::EventProcessor::Step;

TEST_F(DmsdBatch, OneTransactionRunsABatchAndOnlyTheEventThatThrewRetries) {
    const auto a = add_waiting_zone("a.test.", "-4 seconds");
    const auto failing = add_waiting_zone("fail.test.", "-3 seconds");
    const auto b = add_waiting_zone("b.test.", "-2 seconds");
    const auto later = add_waiting_zone("later.test.", "-1 seconds"); // beyond the batch of 3
    m_named.failing = "fail.test.";
    // A back-off no slow machine outlasts before the second batch below.
    m_config.values["event_retry_base"] = "600";

    ASSERT_EQ(process_one(), Step::processed);

    EXPECT_EQ(m_named.asked, (std::multiset<std::string>{"a.test.", "b.test.", "fail.test."}))
        << "one process_one() runs the batch of the 3 oldest";
    for (const auto& [name, id] : {std::pair{"a.test.", a}, std::pair{"b.test.", b}}) {
        SCOPED_TRACE(name);
        EXPECT_EQ(event_field(id, "state"), "SUCCESS");
        EXPECT_EQ(event_field(id, "result_code"), "200");
        EXPECT_EQ(event_field(id, "results->>'pre_event_sm_state'"), "BATCH_CREATE_2");
        EXPECT_EQ(event_field(id, "results->>'post_event_sm_state'"), "PUBLISHED");
        EXPECT_EQ(event_field(id, "results->>'message'"),
                  "Zone '" + std::string(name) + "': master named loaded the zone");
        EXPECT_EQ(event_field(id, "results->>'worker'"), worker_name);
        EXPECT_EQ(event_field(id, "claimed_by"), worker_name);
        EXPECT_EQ(event_field(id, "processed IS NOT NULL"), "t");
        // The zone row, written with the others' at the end of the batch.
        EXPECT_EQ(zone_field(name, "state"), "PUBLISHED");
        EXPECT_EQ(zone_field(name, "zi_id"), std::to_string(m_zi[name]));
    }
    // The one whose action threw: rolled back alone, recorded as a first retry.
    EXPECT_EQ(event_field(failing, "state"), "RETRY");
    EXPECT_EQ(event_field(failing, "attempts"), "1");
    EXPECT_EQ(event_field(failing, "last_error"), "fake named: connection refused");
    EXPECT_EQ(event_field(failing, "processed IS NULL"), "t");
    EXPECT_GT(due_in(failing), 0.0) << "the retry is not backed off";
    EXPECT_EQ(zone_field("fail.test.", "state"), "BATCH_CREATE_2");
    EXPECT_EQ(zone_field("fail.test.", "zi_id"), "(null)");
    // Not in the batch: untouched, unmarked.
    EXPECT_EQ(event_field(later, "processed IS NULL AND claimed_by IS NULL"), "t");

    // The next batch takes the rest; the retry waits for its back-off.
    m_named.asked.clear();
    m_named.failing.clear();
    ASSERT_EQ(process_one(), Step::processed);
    EXPECT_EQ(m_named.asked, (std::multiset<std::string>{"later.test."}));
    EXPECT_EQ(event_field(later, "state"), "SUCCESS");
    EXPECT_EQ(event_field(failing, "state"), "RETRY");
}

TEST_F(DmsdBatch, AnEventThatKeepsThrowingFailsAfterTheLastAttempt) {
    const auto failing = add_waiting_zone("fail.test.", "-1 seconds");
    const auto max = m_config.number("event_max_attempts");
    sql("UPDATE sm_event_queue SET attempts = " + std::to_string(max - 1) +
        " WHERE id = " + std::to_string(failing));
    const auto ok = add_waiting_zone("ok.test.", "0 seconds");
    m_named.failing = "fail.test.";

    ASSERT_EQ(process_one(), Step::processed);

    EXPECT_EQ(event_field(failing, "state"), "FAILURE");
    EXPECT_EQ(event_field(failing, "result_code"),
              std::to_string(static_cast<int>(sm::ResultCode::fatal)));
    EXPECT_EQ(event_field(failing, "results->>'message'"),
              "gave up after " + std::to_string(max) + " attempts: fake named: connection refused");
    EXPECT_EQ(event_field(ok, "state"), "SUCCESS");
    EXPECT_EQ(zone_field("ok.test.", "state"), "PUBLISHED");
}

TEST_F(DmsdBatch, MasterEventsComeFirstAndABusyZoneIsPassedBy) {
    const auto busy = add_waiting_zone("busy.test.", "-10 seconds");
    const auto free = add_waiting_zone("free.test.", "-5 seconds");
    const auto master = add_master_event("MasterSMHoldTimeout", "-1 seconds");

    // The master event is newer, yet runs first and alone.
    ASSERT_EQ(process_one(), Step::processed);
    EXPECT_EQ(event_field(master, "processed IS NOT NULL"), "t");
    EXPECT_TRUE(m_named.asked.empty());
    EXPECT_EQ(event_field(busy, "processed IS NULL AND claimed_by IS NULL"), "t");
    EXPECT_EQ(event_field(free, "processed IS NULL AND claimed_by IS NULL"), "t");

    const auto busy_zone = std::stoll(zone_field("busy.test.", "id"));
    {
        OtherTransaction zone_tool(m_settings, [busy_zone](db::Transaction& tx) {
            return db::zones::find_by_id(tx, busy_zone, true).value().id;
        });
        ASSERT_EQ(zone_tool.held(), busy_zone);
        EXPECT_EQ(process_one(), Step::processed);
        EXPECT_EQ(m_named.asked, (std::multiset<std::string>{"free.test."}));
        EXPECT_EQ(event_field(free, "state"), "SUCCESS");
        EXPECT_EQ(event_field(busy, "processed IS NULL AND claimed_by IS NULL"), "t");
        EXPECT_EQ(process_one(), Step::idle) << "only the busy zone's event is due";
        EXPECT_EQ(zone_tool.commit(), "");
    }
    EXPECT_EQ(process_one(), Step::processed);
    EXPECT_EQ(event_field(busy, "state"), "SUCCESS");
    EXPECT_EQ(zone_field("busy.test.", "state"), "PUBLISHED");
}

TEST_F(DmsdBatch, TheHoldLastsAMultipleOfWhatTheReconfigurationTook) {
    const auto [hold, due_after_stop] = hold_after_reconfig("10");
    EXPECT_GE(hold, 3000) << "10 x a 300 ms reconfig";
    EXPECT_LT(hold, 60001);
    EXPECT_NEAR(due_after_stop, 0.0, 500.0) << "the hold timeout is due when the hold ends";
}

TEST_F(DmsdBatch, WithoutTheFactorTheHoldIsMasterHoldTimeout) {
    const auto [hold, due_after_stop] = hold_after_reconfig("0");
    EXPECT_EQ(hold, 1000);
    EXPECT_NEAR(due_after_stop, 0.0, 500.0) << "the hold timeout is due when the hold ends";
}

TEST_F(DmsdBatch, AReconfigurationRecordsWhichMachineIsTheMaster) {
    // REFERENCE.md 3.4: the replica SG's server at this machine's DNS address and port
    // (master_dns_address and _port) is the master server; the host name is this one's.
    sql("INSERT INTO server_groups (name) VALUES ('replica-sg')");
    sql("INSERT INTO sm_servers (name, sg_id, address, dns_port) SELECT 'other', id,"
        " '127.0.0.1', 5353 FROM server_groups WHERE name = 'replica-sg'");
    sql("INSERT INTO sm_servers (name, sg_id, address, dns_port) SELECT 'me', id,"
        " '127.0.0.1', 53 FROM server_groups WHERE name = 'replica-sg'");
    sql("UPDATE sm_master SET replica_sg_id = (SELECT id FROM server_groups"
        " WHERE name = 'replica-sg')");
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    add_master_event("MasterSMMasterReconfig");
    ASSERT_EQ(process_one(), Step::processed);
    EXPECT_EQ(sql_value("SELECT master_hostname FROM sm_master"), host);
    EXPECT_EQ(sql_value("SELECT s.name FROM sm_master m JOIN sm_servers s"
                        " ON s.id = m.master_server_id"),
              "me");
    // Another machine (its address) has no server in the replica SG: none.
    m_config.values["master_dns_address"] = "192.0.2.1";
    sql("UPDATE sm_master SET state = 'READY', hold_sg = 0, hold_start = NULL,"
        " hold_stop = NULL");
    sql("UPDATE sm_event_queue SET state = 'CANCELLED', processed = now()"
        " WHERE processed IS NULL");
    add_master_event("MasterSMMasterReconfig");
    ASSERT_EQ(process_one(), Step::processed);
    EXPECT_EQ(sql_value("SELECT coalesce(master_server_id::text, 'none') FROM sm_master"), "none");
}

} // namespace
} // namespace dms::test
