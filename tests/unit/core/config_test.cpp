// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "dms/core/config.hpp"
#include "dms/core/error.hpp"

#include "temp_dir.hpp"

namespace dms {
namespace {

Config parse(Program p, const std::string& text) {
    std::istringstream in(text);
    return parse_config(p, in, "test.conf");
}

std::string error_of(Program p, const std::string& text) {
    try {
        parse(p, text);
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.code(), ErrorCode::config);
        EXPECT_EQ(e.exit_status(), ExitStatus::config);
        return e.what();
    }
    return "(no error)";
}

TEST(Config, DefaultsWithoutAnyFile) {
    const auto cfg = default_config(Program::dmsd);
    EXPECT_EQ(cfg.db.port, 5432);
    EXPECT_EQ(cfg.db.name, "dms");
    EXPECT_EQ(cfg.db.user, "dms");
    EXPECT_EQ(cfg.db.host, "");
    EXPECT_EQ(cfg.log.level, log::Level::info);
    EXPECT_EQ(cfg.log.target, log::Target::standard_error);
    EXPECT_EQ(cfg.log.ident, "dmsd");
    // zone_tool keeps its terminal quiet by default.
    EXPECT_EQ(default_config(Program::zone_tool).log.level, log::Level::warning);
}

TEST(Config, GoodFileWithProgramSectionOverridingDefault) {
    const std::string text = "# comment\n"
                             "; another comment\n"
                             "[DEFAULT]\n"
                             "db_host = db.example.net\n"
                             "db_port = 6543\n"
                             "log_level = notice\n"
                             "\n"
                             "[dmsd]\n"
                             "log_level = debug\n"
                             "log_target = syslog\n"
                             "syslog_facility = local7\n"
                             "[zone_tool]\n"
                             "db_user = operator\n";
    const auto d = parse(Program::dmsd, text);
    EXPECT_EQ(d.db.host, "db.example.net");
    EXPECT_EQ(d.db.port, 6543);
    EXPECT_EQ(d.db.user, "dms"); // [zone_tool] does not apply to dmsd
    EXPECT_EQ(d.log.level, log::Level::debug);
    EXPECT_EQ(d.log.target, log::Target::syslog);
    EXPECT_EQ(d.value("syslog_facility"), "local7");
    EXPECT_EQ(d.source, "test.conf");

    const auto z = parse(Program::zone_tool, text);
    EXPECT_EQ(z.db.user, "operator");
    EXPECT_EQ(z.log.level, log::Level::notice); // from [DEFAULT]
    EXPECT_EQ(z.log.target, log::Target::standard_error);
}

TEST(Config, UnknownKeyNamesFileAndLine) {
    const auto msg = error_of(Program::dmsd, "[DEFAULT]\ndb_port = 5432\n\ndb_hots = x\n");
    EXPECT_EQ(msg, "test.conf:4: unknown option 'db_hots' in section [DEFAULT]; did you mean "
                   "'db_host'?");
}

TEST(Config, UnknownKeyInOtherProgramsSectionIsStillAnError) {
    const auto msg = error_of(Program::dmsd, "[zone_tool]\nsleep_tme = 3\n");
    EXPECT_EQ(msg, "test.conf:2: unknown option 'sleep_tme' in section [zone_tool]; did you "
                   "mean 'sleep_time' (the original DMS's key, ignored by dms)?");
}

TEST(Config, UnknownSection) {
    // The original's [dmsdmd], [mod_wsgi] and [*.wsgi] are known (config_legacy_test.cpp).
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\n[dmsdm]\n"),
              "test.conf:2: unknown section [dmsdm] (known: [DEFAULT] [dmsd] [zone_tool])");
}

TEST(Config, BadValues) {
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\ndb_port = abc\n"),
              "test.conf:2: db_port = 'abc': expected a port number 1-65535");
    EXPECT_EQ(error_of(Program::dmsd, "[dmsd]\n\ndb_port = 70000\n"),
              "test.conf:3: db_port = '70000': expected a port number 1-65535");
    EXPECT_EQ(error_of(Program::zone_tool, "[zone_tool]\nlog_level = loud\n"),
              "test.conf:2: log_level = 'loud': expected one of debug info notice warning "
              "error critical");
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\nlog_target = file\n"),
              "test.conf:2: log_target = 'file': expected stderr or syslog");
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\ndb_connect_timeout = -1\n"),
              "test.conf:2: db_connect_timeout = '-1': expected a whole number >= 0");
}

// Found by config_fuzz: a value starting with a NUL byte passed the check (strtod
// read nothing and stopped at the NUL) and Config::duration() then threw
// std::invalid_argument; 1e300 or inf passed and overflowed the duration. The
// message shows control characters as \xHH (a NUL cut it short).
TEST(Config, SecondsAreDecimalFiniteAndBounded) {
    const std::string expected = "expected seconds from 0 to 1000000000";
    EXPECT_EQ(error_of(Program::dmsd, std::string("[dmsd]\nmaster_hold_timeout = \0\0x\n", 33)),
              "test.conf:2: master_hold_timeout = '\\x00\\x00x': " + expected);
    for (const std::string bad : {"1e300", "inf", "nan", "0x10", "-1", "1000000000.5", "1 s"}) {
        EXPECT_EQ(error_of(Program::dmsd, "[dmsd]\nmaster_hold_timeout = " + bad + "\n"),
                  "test.conf:2: master_hold_timeout = '" + bad + "': " + expected);
    }
    const auto cfg = parse(Program::dmsd, "[dmsd]\nmaster_hold_timeout = 1.5\n");
    EXPECT_EQ(cfg.duration("master_hold_timeout"), std::chrono::milliseconds(1500));
    const auto most = parse(Program::dmsd, "[dmsd]\nmaster_hold_timeout = 1000000000\n");
    EXPECT_EQ(most.duration("master_hold_timeout"), std::chrono::seconds(1'000'000'000));
}

// Found by config_fuzz: a key holding '#' and "%...%" made program_options cut the
// line at the '#' and then spend minutes building its message about it.
TEST(Config, OptionNamesHoldOnlyLettersDigitsUnderscoresAndDashes) {
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\nltt%prefix%invalid_line%%t#x = 1\n"),
              "test.conf:2: option name 'ltt%prefix%invalid_line%%t#x' holds '%': only "
              "letters, digits, '_' and '-' are allowed");
    EXPECT_EQ(error_of(Program::dmsd, std::string("[DEFAULT]\ndb\x01port = 1\n")),
              "test.conf:2: option name 'db\\x01port' holds '\\x01': only letters, digits, "
              "'_' and '-' are allowed");
    EXPECT_NO_THROW(parse(Program::dmsd, "[dmsd]\nmaster_hold_timeout = 2\n"));
}

TEST(Config, BadValueInSectionOfOtherProgramDoesNotMatterToThisOne) {
    // Each program checks the values it uses; dmsd does not read [zone_tool].
    const std::string text = "[zone_tool]\ndb_port = 0\n";
    EXPECT_NO_THROW(parse(Program::dmsd, text));
    EXPECT_EQ(error_of(Program::zone_tool, text),
              "test.conf:2: db_port = '0': expected a port number 1-65535");
}

TEST(Config, SyntaxErrors) {
    EXPECT_EQ(error_of(Program::dmsd, "db_port = 1\n"),
              "test.conf:1: option 'db_port' before any [section] header");
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\njust words\n"),
              "test.conf:2: expected 'key = value', found 'just words'");
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT\n"),
              "test.conf:1: malformed section header '[DEFAULT'");
    EXPECT_EQ(error_of(Program::dmsd, "[DEFAULT]\ndb_port = 1\ndb_port = 2\n"),
              "test.conf:3: option 'DEFAULT.db_port' given twice");
}

TEST(Config, SampleFileParsesAndDocumentsEveryOption) {
    const std::string path = std::string(DMS_SOURCE_DIR) + "/etc/dms.conf.sample";
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    std::stringstream text;
    text << in.rdbuf();
    for (const auto p : {Program::dmsd, Program::zone_tool}) {
        std::istringstream s(text.str());
        EXPECT_NO_THROW(parse_config(p, s, path));
    }
    for (const auto& opt : config_options()) {
        const std::string line =
            ";" + std::string(opt.name) + " =" +
            (opt.default_value.empty() ? "" : " " + std::string(opt.default_value));
        EXPECT_NE(text.str().find(line), std::string::npos)
            << "etc/dms.conf.sample lacks the line '" << line << "'";
    }
}

class ConfigFile : public ::testing::Test {
protected:
    void SetUp() override {
        if (const char* old = std::getenv("DMS_CONFIG")) {
            m_saved = old;
        }
    }
    void TearDown() override {
        if (m_saved) {
            setenv("DMS_CONFIG", m_saved->c_str(), 1);
        } else {
            unsetenv("DMS_CONFIG");
        }
    }
    test::TempDir m_dir;
    std::optional<std::string> m_saved;
};

TEST_F(ConfigFile, CommandLineBeatsEnvironment) {
    const auto a = m_dir.write("a.conf", "[DEFAULT]\ndb_name = from_cli\n");
    const auto b = m_dir.write("b.conf", "[DEFAULT]\ndb_name = from_env\n");
    setenv("DMS_CONFIG", b.c_str(), 1);
    EXPECT_EQ(load_config(Program::zone_tool, a).db.name, "from_cli");
    EXPECT_EQ(load_config(Program::zone_tool, std::nullopt).db.name, "from_env");
    EXPECT_EQ(load_config(Program::zone_tool, std::nullopt).source, b);
}

TEST_F(ConfigFile, MissingFileThatWasAskedForIsAnError) {
    const auto missing = (m_dir.path() / "nope.conf").string();
    try {
        load_config(Program::dmsd, missing);
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), missing + ": cannot read: No such file or directory");
    }
    setenv("DMS_CONFIG", missing.c_str(), 1);
    EXPECT_THROW(load_config(Program::dmsd, std::nullopt), ConfigError);
}

TEST_F(ConfigFile, ErrorsNameTheRealFile) {
    const auto f = m_dir.write("bad.conf", "[DEFAULT]\nnonsense = 1\n");
    try {
        load_config(Program::dmsd, f);
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), f + ":2: unknown option 'nonsense' in section [DEFAULT]");
    }
}

} // namespace
} // namespace dms
