// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Logging: one line per message naming its subject (zone, server, event id, ...)
// and operation, written to stderr or syslog at a configured level.
//
//   dms::log::info("zone example.org.", "publish", "serial {} sent", serial);
//   -> "INFO zone example.org. publish: serial 2026112301 sent"
//
// Thread safe. Secrets must never be passed in any argument.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace dms::log {

enum class Level { debug, info, notice, warning, error, critical };
enum class Target { standard_error, syslog };

/// Stable lower-case names ("debug", ..., "critical"; "stderr", "syslog").
std::string_view to_string(Level level);
std::string_view to_string(Target target);
std::optional<Level> level_from_string(std::string_view name);
std::optional<Target> target_from_string(std::string_view name);
/// syslog facility names: "user", "daemon", "local0" ... "local7".
std::optional<int> syslog_facility_from_string(std::string_view name);

/// Where and how much to log. Defaults: stderr, info.
struct Settings {
    Target target = Target::standard_error;
    Level level = Level::info;
    std::string ident = "dms";
    int syslog_facility = 8; ///< LOG_USER
};

/// Configure the process-wide logger (opens syslog when asked).
void configure(const Settings& settings);
/// Messages below this level are dropped.
void set_level(Level level);
bool enabled(Level level);

/// Replace the output with `sink` (tests); nullptr restores the configured target.
using Sink = std::function<void(Level, std::string_view line)>;
void set_sink(Sink sink);

/// Format one line as written: "LEVEL subject operation: message".
std::string format_line(Level level, std::string_view subject, std::string_view operation,
                        std::string_view message);

void write(Level level, std::string_view subject, std::string_view operation,
           std::string_view message);

template <typename... Args>
void log(Level level, std::string_view subject, std::string_view operation,
         fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(level)) {
        write(level, subject, operation, fmt::format(format, std::forward<Args>(args)...));
    }
}

#define DMS_LOG_LEVEL_FN(name)                                                                     \
    template <typename... Args>                                                                    \
    void name(std::string_view subject, std::string_view operation,                                \
              fmt::format_string<Args...> format, Args&&... args) {                                \
        log(Level::name, subject, operation, format, std::forward<Args>(args)...);                 \
    }
DMS_LOG_LEVEL_FN(debug)
DMS_LOG_LEVEL_FN(info)
DMS_LOG_LEVEL_FN(notice)
DMS_LOG_LEVEL_FN(warning)
DMS_LOG_LEVEL_FN(error)
DMS_LOG_LEVEL_FN(critical)
#undef DMS_LOG_LEVEL_FN

} // namespace dms::log
