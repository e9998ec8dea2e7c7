// SPDX-License-Identifier: GPL-3.0-or-later
// The original DMS's dms.conf: tests/data/config/original-dms.conf holds every key of
// REFERENCE.md 11.1 in the original's sections, and loads with a notice for each key
// dms renames, converts or ignores.
#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "dms/core/config.hpp"
#include "dms/core/config_legacy.hpp"
#include "dms/core/error.hpp"

namespace dms {
namespace {

const std::string original_path =
    std::string(DMS_SOURCE_DIR) + "/tests/data/config/original-dms.conf";

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Config parse(Program p, const std::string& text) {
    std::istringstream in(text);
    return parse_config(p, in, "test.conf");
}

Config parse_original(Program p) {
    std::istringstream in(slurp(original_path));
    return parse_config(p, in, "original.conf");
}

std::string error_of(Program p, const std::string& text) {
    try {
        parse(p, text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

/// The line of `key = ...` in [section] of the test file.
int line_of(std::string_view section, std::string_view key) {
    std::istringstream in(slurp(original_path));
    std::string raw;
    std::string current;
    for (int line = 1; std::getline(in, raw); ++line) {
        if (raw.starts_with("[")) {
            current = raw.substr(1, raw.find(']') - 1);
        } else if (current == section && raw.starts_with(std::string(key) + " =")) {
            return line;
        }
    }
    ADD_FAILURE() << key << " not in [" << section << "]";
    return 0;
}

/// The line of the header of [section] in the test file.
int header_of(std::string_view section) {
    std::istringstream in(slurp(original_path));
    std::string raw;
    for (int line = 1; std::getline(in, raw); ++line) {
        if (raw == "[" + std::string(section) + "]") {
            return line;
        }
    }
    ADD_FAILURE() << "no [" << section << "]";
    return 0;
}

bool has(const std::vector<std::string>& notices, const std::string& text) {
    return std::find(notices.begin(), notices.end(), text) != notices.end();
}

std::string joined(const std::vector<std::string>& notices) {
    std::string out;
    for (const auto& n : notices) {
        out += n + "\n";
    }
    return out;
}

/// Every key line of the test file as (section, key, line).
struct FileKey {
    std::string section;
    std::string key;
    int line;
};
std::vector<FileKey> file_keys() {
    std::vector<FileKey> out;
    std::istringstream in(slurp(original_path));
    std::string raw;
    std::string section;
    const std::regex key_line(R"(^([A-Za-z0-9_.-]+) =)");
    for (int line = 1; std::getline(in, raw); ++line) {
        std::smatch m;
        if (raw.starts_with("[")) {
            section = raw.substr(1, raw.find(']') - 1);
        } else if (std::regex_search(raw, m, key_line)) {
            out.push_back({section, m[1], line});
        }
    }
    return out;
}

TEST(ConfigLegacy, TheTableIsWellFormed) {
    std::set<std::string_view> names;
    for (const auto& k : legacy_keys()) {
        EXPECT_TRUE(names.insert(k.name).second) << k.name << " twice";
        if (k.ours.empty()) {
            EXPECT_FALSE(k.why.empty()) << k.name << " is ignored without a reason";
            EXPECT_EQ(k.why.find('\n'), std::string_view::npos) << k.name;
        } else {
            const auto options = config_options();
            EXPECT_TRUE(std::any_of(options.begin(), options.end(),
                                    [&](const OptionSpec& o) { return o.name == k.ours; }))
                << k.name << " maps to '" << k.ours << "', which is no option of ours";
            EXPECT_TRUE(k.why.empty()) << k.name;
        }
        // A key of ours under the same name is "kept": only the value may be converted.
        if (k.ours == k.name) {
            continue;
        }
        const auto options = config_options();
        EXPECT_FALSE(std::any_of(options.begin(), options.end(),
                                 [&](const OptionSpec& o) { return o.name == k.name; }))
            << k.name << " is ours too, yet the table sends it to '" << k.ours << "'";
    }
}

TEST(ConfigLegacy, TheTestFileHoldsEveryOriginalKey) {
    std::set<std::string> in_file;
    for (const auto& k : file_keys()) {
        in_file.insert(k.key);
    }
    for (const auto& k : legacy_keys()) {
        EXPECT_TRUE(in_file.contains(std::string(k.name)))
            << k.name << " is not in " << original_path;
    }
}

TEST(ConfigLegacy, TheOriginalFileLoadsForBothPrograms) {
    for (const auto p : {Program::dmsd, Program::zone_tool}) {
        EXPECT_NO_THROW(parse_original(p)) << to_string(p);
    }
}

TEST(ConfigLegacy, RenamedKeysArriveUnderOurNamesWithANoticeNamingThem) {
    const auto d = parse_original(Program::dmsd);
    EXPECT_EQ(d.value("dmsd_pid_file"), "/var/run/dms/dmsdmd.pid");
    EXPECT_EQ(d.value("dnssec_key_dir"), "/var/lib/bind/dnssec-keys");
    EXPECT_EQ(d.value("server_template_dir"), "/etc/dms/original-server-config-templates");
    EXPECT_EQ(d.value("dms_sg_dir"), "/var/lib/dms/original-dms-sg");
    EXPECT_EQ(d.value("master_dns_address"), "127.0.0.2");
    EXPECT_EQ(d.value("event_queue_threads"), "3");
    const auto& n = d.notices;
    EXPECT_TRUE(has(n, fmt::format("original.conf:{}: 'pid_file' is the original DMS's name; use "
                                   "'dmsd_pid_file'",
                                   line_of("dmsdmd", "pid_file"))))
        << joined(n);
    EXPECT_TRUE(has(n, fmt::format("original.conf:{}: 'master_dnssec_key_dir' is the original "
                                   "DMS's name; use 'dnssec_key_dir'",
                                   line_of("DEFAULT", "master_dnssec_key_dir"))))
        << joined(n);
    EXPECT_TRUE(has(n, fmt::format("original.conf:{}: 'server_config_dir' is the original DMS's "
                                   "name; use 'server_template_dir'",
                                   line_of("DEFAULT", "server_config_dir"))))
        << joined(n);
    EXPECT_TRUE(has(n, fmt::format("original.conf:{}: 'sg_config_dir' is the original DMS's name; "
                                   "use 'dms_sg_dir'",
                                   line_of("DEFAULT", "sg_config_dir"))))
        << joined(n);
    EXPECT_TRUE(has(n, fmt::format("original.conf:{}: 'master_dns_server' is the original DMS's "
                                   "name; use 'master_dns_address'",
                                   line_of("dmsdmd", "master_dns_server"))))
        << joined(n);
    // Two original names for one option: the more particular one wins.
    EXPECT_TRUE(has(n, fmt::format("original.conf:{}: 'dns_server' is the original DMS's name "
                                   "for 'master_dns_address', which 'master_dns_server' (line "
                                   "{}) sets: ignored",
                                   line_of("DEFAULT", "dns_server"),
                                   line_of("dmsdmd", "master_dns_server"))))
        << joined(n);
    // Our name (master_dns_port) beats the original's (dns_port), whatever the sections.
    EXPECT_TRUE(
        has(n, fmt::format("original.conf:{}: 'dns_port' is the original DMS's name for "
                           "'master_dns_port', which line {} sets: ignored",
                           line_of("DEFAULT", "dns_port"), line_of("dmsdmd", "master_dns_port"))))
        << joined(n);
    EXPECT_TRUE(has(n, fmt::format("original.conf:{}: section [dmsdmd] is the original DMS's "
                                   "name for [dmsd]; read as [dmsd]",
                                   header_of("dmsdmd"))))
        << joined(n);
    // zone_tool reads neither [dmsdmd] nor its keys.
    const auto z = parse_original(Program::zone_tool);
    EXPECT_EQ(z.db.host, "ip6-localhost");
    EXPECT_EQ(z.value("list_events_last_limit"), "30");
    EXPECT_EQ(z.value("dms_sg_dir"), "/var/lib/dms/original-dms-sg");
    EXPECT_EQ(z.value("master_dns_address"), "127.0.0.1"); // dns_server = localhost
    for (const auto& notice : z.notices) {
        EXPECT_EQ(notice.find("dmsdmd"), std::string::npos) << notice;
    }
}

TEST(ConfigLegacy, SharedKeysAreConvertedFromTheOriginalsUnits) {
    const auto d = parse_original(Program::dmsd);
    EXPECT_EQ(d.value("master_hold_timeout"), "600");
    EXPECT_EQ(d.duration("master_hold_timeout"), std::chrono::minutes(10));
    EXPECT_EQ(d.value("edit_lock_timeout"), "1800");
    EXPECT_EQ(d.value("master_dns_port"), "53");
    EXPECT_EQ(d.value("master_rndc_settle_delay"), "5");
    EXPECT_EQ(d.log.level, log::Level::info);
    EXPECT_EQ(d.value("syslog_facility"), "user");
    EXPECT_TRUE(
        has(d.notices, fmt::format("original.conf:{}: master_hold_timeout = 10 read as "
                                   "the original DMS's, since this file is one ('db_password' "
                                   "at line {}): 10 minutes = 600 seconds",
                                   line_of("dmsdmd", "master_hold_timeout"),
                                   line_of("DEFAULT", "db_password"))))
        << joined(d.notices);
    const auto z = parse_original(Program::zone_tool);
    EXPECT_EQ(z.value("edit_lock_timeout"), "1800");
    EXPECT_EQ(z.log.level, log::Level::critical); // [zone_tool] log_level = CRITICAL
}

TEST(ConfigLegacy, IgnoredKeysAreWarnedOneLineEachNamingFileLineKeyAndWhy) {
    const auto d = parse_original(Program::dmsd);
    const auto z = parse_original(Program::zone_tool);
    for (const auto& k : file_keys()) {
        const auto* legacy = find_legacy_key(k.key);
        if (legacy == nullptr || !legacy->ours.empty() || legacy_section(k.section)) {
            continue;
        }
        const auto& notices = k.section == "zone_tool" ? z.notices : d.notices;
        EXPECT_TRUE(has(notices, fmt::format("original.conf:{}: '{}' is ignored (a key of the "
                                             "original DMS): {}",
                                             k.line, k.key, legacy->why)))
            << k.key;
    }
    for (const auto* c : {&d, &z}) {
        for (const auto& notice : c->notices) {
            EXPECT_EQ(notice.find('\n'), std::string::npos) << notice;
            EXPECT_TRUE(notice.starts_with("original.conf:")) << notice;
            // A password is never repeated.
            EXPECT_EQ(notice.find("not-a-real-password"), std::string::npos) << notice;
        }
    }
}

TEST(ConfigLegacy, EveryKeyOfTheFileIsEitherUsedSilentlyOrNamedInANotice) {
    const auto d = parse_original(Program::dmsd);
    const auto z = parse_original(Program::zone_tool);
    for (const auto& k : file_keys()) {
        const auto* legacy = find_legacy_key(k.key);
        // Kept under the same name: silent unless its value is converted (tested above).
        const bool kept = legacy != nullptr && legacy->ours == k.key;
        const bool in_unread_section =
            legacy_section(k.section) && legacy_section(k.section)->empty();
        if (kept && !in_unread_section) {
            continue;
        }
        const auto prefix = fmt::format("original.conf:{}: ", k.line);
        const bool named = std::any_of(d.notices.begin(), d.notices.end(),
                                       [&](const auto& n) { return n.starts_with(prefix); }) ||
                           std::any_of(z.notices.begin(), z.notices.end(),
                                       [&](const auto& n) { return n.starts_with(prefix); });
        // An original key in a section no program reads goes with the section's notice.
        EXPECT_TRUE(named || (in_unread_section && legacy != nullptr && legacy->ours.empty()))
            << "[" << k.section << "] " << k.key << " (line " << k.line << ") is in no notice";
    }
}

TEST(ConfigLegacy, SectionsNoProgramReadsGetOneNoticeAndTheirKeysGoWithThem) {
    const auto d = parse_original(Program::dmsd);
    const int header = header_of("mod_wsgi");
    EXPECT_TRUE(has(d.notices, fmt::format("original.conf:{}: section [mod_wsgi] and the 6 keys "
                                           "in it are ignored: {}",
                                           header, legacy_section_why("mod_wsgi"))))
        << joined(d.notices);
    // One of ours there is named: someone may have meant it to count.
    EXPECT_TRUE(has(d.notices, fmt::format("original.conf:{}: 'db_user' in [mod_wsgi] is "
                                           "ignored: no dms program reads [mod_wsgi]",
                                           line_of("mod_wsgi", "db_user"))))
        << joined(d.notices);
    EXPECT_EQ(d.db.user, "dms");
    EXPECT_TRUE(has(d.notices,
                    fmt::format("original.conf:{}: section [helpdesk.wsgi] and the 1 "
                                "key in it are ignored: {}",
                                header_of("helpdesk.wsgi"), legacy_section_why("helpdesk.wsgi"))))
        << joined(d.notices);
    for (const auto& key : {"jsonrpc_accept_get", "admin_sectag", "wsgi_test_commands"}) {
        const auto prefix = fmt::format("original.conf:{}: ", line_of("mod_wsgi", key));
        EXPECT_FALSE(std::any_of(d.notices.begin(), d.notices.end(), [&](const auto& n) {
            return n.starts_with(prefix);
        })) << key;
    }
    // A mapped original key there is named with our name.
    const auto c = parse(Program::dmsd, "[mod_wsgi]\npid_file = /x\n");
    EXPECT_TRUE(has(c.notices, "test.conf:2: 'pid_file' in [mod_wsgi] is ignored: no dms program "
                               "reads [mod_wsgi] (dms's name for it is 'dmsd_pid_file')"))
        << joined(c.notices);
    // A typo there is still a typo.
    EXPECT_EQ(error_of(Program::dmsd, "[mod_wsgi]\njsonrpc_accept_gett = 1\n"),
              "test.conf:2: unknown option 'jsonrpc_accept_gett' in section [mod_wsgi]; did you "
              "mean 'jsonrpc_accept_get' (the original DMS's key, ignored by dms)?");
}

TEST(ConfigLegacy, OurNameWinsOverTheOriginalsAndTheNoticeSaysSo) {
    const auto c =
        parse(Program::dmsd, "[DEFAULT]\npid_file = /old.pid\ndmsd_pid_file = /new.pid\n");
    EXPECT_EQ(c.value("dmsd_pid_file"), "/new.pid");
    EXPECT_EQ(joined(c.notices), "test.conf:2: 'pid_file' is the original DMS's name for "
                                 "'dmsd_pid_file', which line 3 sets: ignored\n");
    // Even from a weaker section.
    const auto s = parse(Program::dmsd, "[DEFAULT]\ndmsd_pid_file = /new.pid\n[dmsdmd]\n"
                                        "pid_file = /old.pid\n");
    EXPECT_EQ(s.value("dmsd_pid_file"), "/new.pid");
    EXPECT_TRUE(has(s.notices, "test.conf:4: 'pid_file' is the original DMS's name for "
                               "'dmsd_pid_file', which line 2 sets: ignored"))
        << joined(s.notices);
    // [dmsd] beats [dmsdmd].
    const auto t = parse(Program::dmsd, "[dmsdmd]\nevent_queue_threads = 3\n[dmsd]\n"
                                        "event_queue_threads = 8\n");
    EXPECT_EQ(t.value("event_queue_threads"), "8");
    EXPECT_TRUE(has(t.notices, "test.conf:2: 'event_queue_threads' in [dmsdmd] is overridden by "
                               "[dmsd] (line 4)"))
        << joined(t.notices);
}

TEST(ConfigLegacy, TyposFailWithTheNearestNameOursOrTheOriginals) {
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\nmaster_hold_timout = 2\n"),
              "test.conf:2: unknown option 'master_hold_timout' in section [DEFAULT]; did you "
              "mean 'master_hold_timeout'?");
    EXPECT_EQ(error_of(Program::dmsd, "[dmsdmd]\nrsync_pasword_file = /x\n"),
              "test.conf:2: unknown option 'rsync_pasword_file' in section [dmsdmd]; did you mean "
              "'rsync_password_file'?");
    EXPECT_EQ(error_of(Program::zone_tool, "[DEFAULT]\nsg_confg_dir = /x\n"),
              "test.conf:2: unknown option 'sg_confg_dir' in section [DEFAULT]; did you mean "
              "'sg_config_dir' (the original DMS's name for 'dms_sg_dir')?");
    // Nothing near: no guess.
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\nfrobnicate_everything = 1\n"),
              "test.conf:2: unknown option 'frobnicate_everything' in section [DEFAULT]");
}

TEST(ConfigLegacy, OurOwnFileIsNotReadInTheOriginalsUnits) {
    const auto ours = parse(Program::dmsd, "[dmsd]\nmaster_hold_timeout = 10\n");
    EXPECT_EQ(ours.value("master_hold_timeout"), "10");
    EXPECT_TRUE(ours.notices.empty()) << joined(ours.notices);
    EXPECT_EQ(error_of(Program::dmsd, "[dmsd]\nmaster_dns_port = domain\n"),
              "test.conf:2: master_dns_port = 'domain': expected a port number 1-65535");
    // One sign of the original's form is enough.
    const auto theirs = parse(Program::dmsd, "[dmsdmd]\nmaster_hold_timeout = 0.5\n");
    EXPECT_EQ(theirs.value("master_hold_timeout"), "30");
    EXPECT_TRUE(has(theirs.notices, "test.conf:2: master_hold_timeout = 0.5 read as the original "
                                    "DMS's, since this file is one ([dmsdmd] at line 1): 0.5 "
                                    "minutes = 30 seconds"))
        << joined(theirs.notices);
}

TEST(ConfigLegacy, ValuesThatCannotBeConvertedAreWarnedAndIgnored) {
    const auto c = parse(Program::dmsd, "[DEFAULT]\ndns_server = ns1.example.net\ndb_port =\n"
                                        "[dmsdmd]\nmaster_hold_timeout = ten\n");
    EXPECT_EQ(c.value("master_dns_address"), "127.0.0.1");
    EXPECT_EQ(c.db.port, 5432);
    EXPECT_EQ(c.value("master_hold_timeout"), "2");
    EXPECT_EQ(joined(c.notices),
              "test.conf:2: dns_server = 'ns1.example.net' (the original DMS's name for "
              "'master_dns_address') cannot be used: 'ns1.example.net' is not an IP address; dms "
              "needs the master's address; ignored\n"
              "test.conf:3: db_port = '' (the original DMS's form) cannot be used: empty (the "
              "original's 'default'); ignored\n"
              "test.conf:4: section [dmsdmd] is the original DMS's name for [dmsd]; read as "
              "[dmsd]\n"
              "test.conf:5: master_hold_timeout = 'ten' (the original DMS's form) cannot be used: "
              "not a number of minutes; ignored\n");
    // A converted value still has to be good.
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\ndns_port = 99999\n"),
              "test.conf:2: dns_port = '99999': expected a port number 1-65535");
}

TEST(ConfigLegacy, OursInASectionItsProgramDoesNotRead) {
    EXPECT_EQ(error_of(Program::dmsd, "[zone_tool]\nevent_queue_threads = 3\n"),
              "test.conf:2: option 'event_queue_threads' is not read from section [zone_tool] "
              "(it goes in [DEFAULT] or [dmsd])");
    // The original read any key anywhere: in its file that is a warning.
    const std::string text = "[zone_tool]\nevent_queue_threads = 3\nsleep_time = 3\n";
    EXPECT_TRUE(has(parse(Program::zone_tool, text).notices,
                    "test.conf:2: 'event_queue_threads' in [zone_tool] is ignored: zone_tool does "
                    "not use it"));
    EXPECT_TRUE(parse(Program::dmsd, text).notices.empty());
}

TEST(ConfigLegacy, NoticesAreLoggedAsWarnings) {
    const auto c = parse(Program::dmsd, "[DEFAULT]\nsleep_time = 3\n");
    std::vector<std::string> lines;
    log::set_sink([&](log::Level level, std::string_view line) {
        EXPECT_EQ(level, log::Level::warning);
        lines.emplace_back(line);
    });
    log_config_notices(c);
    log::set_sink(nullptr);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0], "WARNING config load: test.conf:2: 'sleep_time' is ignored (a key of the "
                        "original DMS): dmsd is woken by PostgreSQL LISTEN/NOTIFY; it does not "
                        "poll");
}

TEST(ConfigLegacy, TheManualListsEveryOriginalKey) {
    const auto doc = slurp(std::string(DMS_SOURCE_DIR) + "/docs/configuration.md");
    for (const auto& k : legacy_keys()) {
        EXPECT_NE(doc.find(fmt::format("| `{}` |", k.name)), std::string::npos)
            << "docs/configuration.md lacks the row of " << k.name;
    }
}

} // namespace
} // namespace dms
