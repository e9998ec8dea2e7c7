// SPDX-License-Identifier: GPL-3.0-or-later
// edit_zone against a throwaway database: no lost update when someone saves while an
// edit is open (issue 11 item 3).
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sys/stat.h>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "dms/core/config.hpp"
#include "dms/core/process.hpp"
#include "dms/engine/zi_engine.hpp"
#include "dms/engine/zone_engine.hpp"

#include "zone_tool_db_test.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* zone_v1 = R"($TTL 300
@ SOA ns1.example.org. hostmaster.example.org. 2026010100 2h 900 7d 1h
@ NS ns1
ns1 A 192.0.2.1
alpha A 192.0.2.2
bravo A 192.0.2.3
charlie A 192.0.2.4
delta A 192.0.2.5
echo A 192.0.2.6
foxtrot A 192.0.2.7
)";

class EditZone : public ZoneToolDbTest {
protected:
    void SetUp() override {
        ZoneToolDbTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        ASSERT_EQ(zt({"load_zone", m_dir.write("v1", zone_v1), "example.org"}).status, 0);
        // What the other operator saves while the edit is open: a record near the top.
        std::string theirs = zone_v1;
        theirs.insert(theirs.find("alpha"), "aardvark A 192.0.2.99\n");
        m_theirs = m_dir.write("theirs", theirs);
    }

    /// An editor that adds `mine` at the end of the file and, on its first run only,
    /// lets another zone_tool save the zone meanwhile (the race of issue 11 item 3).
    void use_racing_editor() {
        const auto script = m_dir.write(
            "editor.sh",
            fmt::format("#!/bin/sh\n"
                        "if [ ! -e '{0}/ran' ]; then\n"
                        "  touch '{0}/ran'\n"
                        "  printf 'zulu IN A 192.0.2.80\\n' >> \"$1\"\n"
                        "  '{1}/zone_tool' -c '{2}' load_zone_zi '{3}' example.org >/dev/null"
                        " || exit 1\n"
                        "fi\n",
                        m_dir.path().string(), DMS_BIN_DIR, m_conf, m_theirs));
        chmod(script.c_str(), 0755);
        setenv("VISUAL", script.c_str(), 1);
    }
    void TearDown() override {
        unsetenv("VISUAL");
        ZoneToolDbTest::TearDown();
    }

    /// The newest saved content (the candidate; nothing is published without dmsd).
    std::string shown() { return zt({"show_zone", "example.org", candidate()}).out; }
    std::string candidate() {
        return sql_value("SELECT zi_candidate_id FROM sm_zone WHERE name = 'example.org.'");
    }
    std::string zi_count() { return sql_value("SELECT count(*) FROM zone_instances"); }

    std::string m_theirs;
};

TEST_F(EditZone, AStaleSaveIsRefusedInTheSavingTransaction) {
    const auto cfg = load_config(Program::zone_tool, m_conf);
    engine::ZiEngine zi_engine(session(), cfg, engine::local_caller());
    auto copy = zi_engine.edit_view("example.org");
    const auto base = copy.zone.zi_candidate_id;
    ASSERT_TRUE(base);
    // Someone else saves while this copy is being edited.
    ASSERT_EQ(zt({"load_zone_zi", m_theirs, "example.org"}).status, 0);
    const auto now = candidate();
    const auto zis = zi_count();
    try {
        zi_engine.save_zone_content("example.org", copy.data, std::nullopt, base);
        ADD_FAILURE() << "the stale copy was saved";
    } catch (const engine::ZoneChangedError& e) {
        EXPECT_EQ(e.code(), ErrorCode::zone_changed);
        EXPECT_EQ(e.exit_status(), ExitStatus::temp_fail);
        EXPECT_EQ(e.base(), base);
        EXPECT_EQ(std::to_string(e.current().value_or(0)), now);
        EXPECT_THAT(e.what(), HasSubstr(fmt::format("changed since this copy was taken from ZI {}: "
                                                    "its newest ZI is now ZI {} (saved by",
                                                    *base, now)));
    }
    EXPECT_EQ(zi_count(), zis);
    EXPECT_EQ(candidate(), now);
    EXPECT_THAT(shown(), HasSubstr("aardvark"));

    // Taken again from the newest ZI, the same content goes through; without a base
    // (load_zone_zi) there is no check.
    EXPECT_GT(zi_engine.save_zone_content("example.org", copy.data, std::nullopt, std::stoll(now)),
              0);
    EXPECT_GT(zi_engine.save_zone_content("example.org", copy.data), 0);
}

TEST_F(EditZone, WithoutATerminalAStaleEditIsRefused) {
    use_racing_editor();
    const auto r = zt({"edit_zone", "example.org"});
    EXPECT_EQ(r.status, 75) << r.err; // EX_TEMPFAIL
    EXPECT_THAT(r.err, HasSubstr("zone_tool: edit_zone: zone 'example.org.' changed since"));
    EXPECT_THAT(r.err, HasSubstr("nothing saved"));
    EXPECT_THAT(r.err, HasSubstr("zone_tool diff_zone_zi example.org"));
    // The other save stands; the stale edit was not stored.
    EXPECT_EQ(zi_count(), "2");
    EXPECT_THAT(shown(), HasSubstr("aardvark"));
    EXPECT_THAT(shown(), Not(HasSubstr("zulu")));
}

TEST_F(EditZone, UpdateAnywayReplacesWhatChangedMeanwhile) {
    use_racing_editor();
    // [U]pdate, then at the conflict: u(pdate anyway).
    const auto r = run_zone_tool_answering(m_conf, {"edit_zone", "example.org"}, "\nu\n");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("changed since"));
    // The diff of what changed meanwhile was shown before the question.
    EXPECT_THAT(r.out, HasSubstr("+aardvark"));
    EXPECT_LT(r.out.find("+aardvark"), r.out.find("--[M]erge and re-edit"));
    EXPECT_THAT(r.out, HasSubstr("saved as ZI"));
    EXPECT_THAT(shown(), HasSubstr("zulu"));
    EXPECT_THAT(shown(), Not(HasSubstr("aardvark")));
}

TEST_F(EditZone, MergeKeepsBothChanges) {
    use_racing_editor();
    // [U]pdate; at the conflict [M]erge; the editor opens on the merged text (the
    // script leaves it as it is), then [U]pdate.
    const auto r = run_zone_tool_answering(m_conf, {"edit_zone", "example.org"}, "\n\n\n");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("saved as ZI"));
    EXPECT_THAT(shown(), HasSubstr("zulu"));
    EXPECT_THAT(shown(), HasSubstr("aardvark"));
    EXPECT_EQ(zi_count(), "3");
}

TEST_F(EditZone, AbortAtTheConflictSavesNothing) {
    use_racing_editor();
    const auto r = run_zone_tool_answering(m_conf, {"edit_zone", "example.org"}, "\na\n");
    EXPECT_EQ(r.status, 75) << r.err;
    EXPECT_THAT(r.out, HasSubstr("edit aborted"));
    EXPECT_EQ(zi_count(), "2");
    EXPECT_THAT(shown(), Not(HasSubstr("zulu")));
}

TEST_F(EditZone, StartsFromTheNewestSavedContent) {
    // A saved change not yet published (no dmsd here) is what edit_zone shows, so an
    // edit cannot drop it: the published ZI is older.
    sql("UPDATE sm_zone SET state = 'PUBLISHED' WHERE name = 'example.org.'");
    ASSERT_EQ(zt({"load_zone_zi", m_theirs, "example.org"}).status, 0);
    ASSERT_NE(sql_value("SELECT zi_id FROM sm_zone WHERE name = 'example.org.'"), candidate());
    const auto script = m_dir.write("keep.sh", "#!/bin/sh\ncp \"$1\" '" + m_dir.path().string() +
                                                   "/seen'\nprintf 'zulu IN A 192.0.2.80\\n' "
                                                   ">> \"$1\"\n");
    chmod(script.c_str(), 0755);
    setenv("VISUAL", script.c_str(), 1);
    const auto r = zt({"edit_zone", "example.org"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(shown(), HasSubstr("aardvark"));
    EXPECT_THAT(shown(), HasSubstr("zulu"));
}

TEST_F(EditZone, TheEditLockOfAKilledZoneToolIsReleasedOnTheNextLookUp) {
    // Issue 11 item 8: zone_tool killed during edit_zone (its editor kills it) left its
    // edit lock for edit_lock_timeout (30 minutes).
    ASSERT_EQ(zt({"load_zone", m_dir.write("v1", zone_v1), "locked.org", "edit_lock"}).status, 0);
    const auto killer = m_dir.write("killer.sh", "#!/bin/sh\nkill -9 $PPID\nexit 1\n");
    chmod(killer.c_str(), 0755);
    setenv("VISUAL", killer.c_str(), 1);
    const auto dead = run_process(
        {std::string(DMS_BIN_DIR) + "/zone_tool", "-c", m_conf, "edit_zone", "locked.org"});
    ASSERT_EQ(dead.signal, SIGKILL) << dead.err;
    const auto lock = "SELECT lock_state || ' ' || coalesce(locked_by, '-') FROM sm_zone "
                      "WHERE name = 'locked.org.'";
    const auto held = sql_value(lock);
    EXPECT_THAT(held, HasSubstr("EDIT_LOCK"));
    EXPECT_THAT(held, HasSubstr("/Admin (pid "));

    // The next edit finds the holder gone: the lock is released (and audited), and the
    // edit goes through.
    const auto script = m_dir.write("add.sh", "#!/bin/sh\nprintf 'zulu IN A 192.0.2.80\\n' "
                                              ">> \"$1\"\n");
    chmod(script.c_str(), 0755);
    setenv("VISUAL", script.c_str(), 1);
    const auto r = zt({"edit_zone", "locked.org"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(zt({"show_zone", "locked.org"}).out, HasSubstr("zulu"));
    EXPECT_EQ(sql_value(lock), "EDIT_UNLOCK -");
    const auto audit = sql_value("SELECT details->>'held_by' || ' | ' || (details->>'reason') "
                                 "FROM dms_audit.audit_log WHERE operation = 'clear_edit_lock'");
    EXPECT_THAT(audit, HasSubstr(held.substr(held.find(' ') + 1)));
    EXPECT_THAT(audit, HasSubstr("the holder process has exited"));
}

TEST_F(EditZone, TheEditLockOfALiveHolderStays) {
    ASSERT_EQ(zt({"load_zone", m_dir.write("v1", zone_v1), "locked.org", "edit_lock"}).status, 0);
    const auto cfg = load_config(Program::zone_tool, m_conf);
    engine::ZoneEngine mine(session(), cfg, engine::local_caller());
    const auto token = mine.edit_lock("locked.org");
    ASSERT_TRUE(token);
    // This process holds it and lives: another edit is refused.
    setenv("VISUAL", "true", 1);
    const auto r = zt({"edit_zone", "locked.org"});
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(sql_value("SELECT edit_lock_token FROM sm_zone WHERE name = 'locked.org.'"),
              std::to_string(*token));
    mine.release_edit_lock("locked.org", token);
}

TEST_F(EditZone, ASaveWaitingForTheZoneRowSeesTheSaveBeforeIt) {
    // Two saves from one copy at the same moment: the check and the save are one
    // transaction holding the zone's row, so the second sees the first's candidate.
    const auto cfg = load_config(Program::zone_tool, m_conf);
    engine::ZiEngine zi_engine(session(), cfg, engine::local_caller());
    const auto copy = zi_engine.edit_view("example.org");
    const auto base = copy.zone.zi_candidate_id;
    ASSERT_TRUE(base);
    // Another ZI of the zone, for the "other save" to make the candidate.
    const auto other = zi_engine.copy_zi("example.org", "example.org", "");
    pqxx::connection them("host=" + m_settings.host + " port=" + std::to_string(m_settings.port) +
                          " user=" + m_settings.user + " dbname=" + m_settings.name);
    pqxx::work tx(them);
    tx.exec("SELECT id FROM sm_zone WHERE name = 'example.org.' FOR UPDATE");
    const auto my_pid = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
    std::optional<std::string> outcome;
    std::thread save([&] {
        try {
            auto own = db::Session::open(m_settings);
            engine::ZiEngine z2(own, cfg, engine::local_caller());
            z2.save_zone_content("example.org", copy.data, std::nullopt, base);
            outcome = "saved";
        } catch (const engine::ZoneChangedError&) {
            outcome = "refused";
        } catch (const std::exception& e) {
            outcome = e.what();
        }
    });
    // Wait until the save waits for the row (generous deadline; no timing asserted).
    bool waiting = false;
    for (int i = 0; i < 600 && !waiting; ++i) {
        waiting = sql_value("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                            "'Lock' AND datname = current_database() AND pid <> " +
                            std::to_string(my_pid)) != "0";
        if (!waiting) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    EXPECT_TRUE(waiting) << "the save never waited for the zone's row";
    tx.exec("UPDATE sm_zone SET zi_candidate_id = " + std::to_string(other) +
            " WHERE name = 'example.org.'");
    tx.commit();
    save.join();
    EXPECT_EQ(outcome.value_or("(none)"), "refused");
    EXPECT_EQ(candidate(), std::to_string(other));
}

TEST_F(EditZone, TemporaryFilesAreMadeInTmpdirAndRemoved) {
    const auto tmpdir = m_dir.path() / "tmp";
    std::filesystem::create_directory(tmpdir);
    const char* old = std::getenv("TMPDIR");
    const std::optional<std::string> saved = old != nullptr ? std::optional(old) : std::nullopt;
    setenv("TMPDIR", tmpdir.c_str(), 1);
    // The editor notes which file it was given and adds a record.
    const auto seen = m_dir.path() / "seen";
    const auto script = m_dir.write("note.sh", "#!/bin/sh\nprintf '%s' \"$1\" > '" + seen.string() +
                                                   "'\nprintf 'zulu IN A 192.0.2.80\\n' "
                                                   ">> \"$1\"\n");
    chmod(script.c_str(), 0755);
    setenv("VISUAL", script.c_str(), 1);
    const auto r = zt({"edit_zone", "example.org"});
    // diff_zones writes both texts to a temporary directory for diff(1).
    ASSERT_EQ(zt({"load_zone", m_dir.write("v1", zone_v1), "other.org"}).status, 0);
    const auto diff = zt({"diff_zones", "example.org", "other.org"});
    setenv("TMPDIR", (m_dir.path() / "no-such-dir").c_str(), 1);
    const auto no_tmp = zt({"diff_zones", "example.org", "other.org"});
    if (saved) {
        setenv("TMPDIR", saved->c_str(), 1);
    } else {
        unsetenv("TMPDIR");
    }

    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream in(seen);
    std::string file;
    std::getline(in, file);
    EXPECT_THAT(file, ::testing::StartsWith(tmpdir.string() + "/zone_tool-edit."));
    EXPECT_THAT(file, ::testing::EndsWith("/example.org.zone"));
    EXPECT_EQ(diff.status, 0) << diff.err;
    EXPECT_THAT(diff.out, HasSubstr("zulu"));
    EXPECT_TRUE(std::filesystem::is_empty(tmpdir)) << "left behind in $TMPDIR";
    EXPECT_EQ(no_tmp.status, 74) << no_tmp.err; // EX_IOERR
    EXPECT_THAT(no_tmp.err, HasSubstr((m_dir.path() / "no-such-dir").string()));
}

} // namespace
} // namespace dms::test
