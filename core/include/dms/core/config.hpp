// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Configuration: the INI file /etc/dms/dms.conf (REFERENCE.md 11.1).
//
// Sections: [DEFAULT] applies to every program, [dmsd] and [zone_tool] to one
// program and override [DEFAULT]. Every key must be a known option of the section
// (config_options.cpp holds the table) or a key of the original DMS's dms.conf
// (config_legacy.hpp: renamed, converted or ignored, each with a notice); anything
// else is a ConfigError naming file and line, with the nearest known name.
// `-c FILE` beats $DMS_CONFIG beats the default path. A missing default file means
// built-in defaults; a missing file that was asked for is an error.

#include <chrono>
#include <iosfwd>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/logging.hpp"

namespace dms {

enum class Program { dmsd, zone_tool };
std::string_view to_string(Program program);

inline constexpr std::string_view default_config_path = "/etc/dms/dms.conf";

/// Which sections may carry an option.
enum class OptionScope { common, dmsd, zone_tool };

/// How an option's value is checked.
enum class OptionKind { text, path, port, count, seconds, log_level, log_target, facility };

struct OptionSpec {
    std::string_view name;
    OptionScope scope;
    OptionKind kind;
    std::string_view default_value;
    std::string_view description;
    std::string_view zone_tool_default = {}; ///< when zone_tool's default differs
};

/// Every option dms reads, in the order etc/dms.conf.sample documents them.
std::span<const OptionSpec> config_options();

struct DbSettings {
    std::string host; ///< empty: the local unix socket
    int port = 5432;
    std::string name = "dms";
    std::string user = "dms";
    std::string password_file; ///< empty: no password (peer/trust/.pgpass)
    int connect_timeout = 10;  ///< seconds
    /// A session's cached query plans are dropped (DISCARD PLANS) before its first
    /// transaction after this long, so that plans made while the tables were small
    /// (a fresh database early in a bulk load, before autovacuum has analyzed it) do
    /// not stay: frozen, they scanned whole tables for every record or event.
    std::chrono::milliseconds plan_lifetime{10000};
};

/// The password in `settings.password_file` (its first line, trailing CR and blanks
/// dropped), for libpq.
/// @throws ConfigError naming the file when it cannot be read
std::string read_db_password(const DbSettings& settings);

struct Config {
    Program program = Program::zone_tool;
    std::string source; ///< file read, or "(built-in defaults)"
    DbSettings db;
    log::Settings log;
    /// Effective value of every option of this program, as text.
    std::map<std::string, std::string, std::less<>> values;
    /// What this program made of the original DMS's keys and sections in the file
    /// ("FILE:LINE: ..." one each, in line order): renamed, converted or ignored.
    std::vector<std::string> notices;

    const std::string& value(std::string_view name) const;
    /// A `seconds` option as a duration (fractions kept to the millisecond).
    std::chrono::milliseconds duration(std::string_view name) const;
    /// A `count` or `port` option as a number.
    long number(std::string_view name) const;
};

/// Parse configuration text. `file_name` is used in messages only.
/// Throws ConfigError ("FILE:LINE: problem") on any bad line, unknown section or
/// key (a typo: "; did you mean 'db_host'?"), repeated key, or bad value. Keys and
/// sections of the original DMS's dms.conf are no error: Config::notices says what
/// became of them.
Config parse_config(Program program, std::istream& in, std::string_view file_name);

/// Built-in defaults only.
Config default_config(Program program);

/// Resolve the path (`cli_path`, then $DMS_CONFIG, then the default) and parse it.
Config load_config(Program program, const std::optional<std::string>& cli_path);

/// Log each of `config.notices` as a warning (after log::configure).
void log_config_notices(const Config& config);

} // namespace dms
