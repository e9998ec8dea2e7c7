// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/logging.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <syslog.h>
#include <unistd.h>
#include <utility>

#include <fmt/chrono.h>

namespace dms::log {
namespace {

struct LevelName {
    Level level;
    std::string_view name;
    std::string_view tag; // as printed in a line
    int priority;         // syslog priority
};

constexpr std::array<LevelName, 6> levels{{
    {Level::debug, "debug", "DEBUG", LOG_DEBUG},
    {Level::info, "info", "INFO", LOG_INFO},
    {Level::notice, "notice", "NOTICE", LOG_NOTICE},
    {Level::warning, "warning", "WARNING", LOG_WARNING},
    {Level::error, "error", "ERROR", LOG_ERR},
    {Level::critical, "critical", "CRITICAL", LOG_CRIT},
}};

const LevelName& entry(Level level) {
    return levels.at(static_cast<std::size_t>(level));
}

struct State {
    std::mutex mutex;
    Settings settings;
    std::string ident; // syslog keeps the pointer: must outlive openlog()
    bool syslog_open = false;
    Sink sink;
};

State& state() {
    static State s;
    return s;
}

std::atomic<int> g_level{static_cast<int>(Level::info)};

} // namespace

std::string_view to_string(Level level) {
    return entry(level).name;
}

std::string_view to_string(Target target) {
    return target == Target::syslog ? "syslog" : "stderr";
}

std::optional<Level> level_from_string(std::string_view name) {
    for (const auto& l : levels) {
        if (l.name == name) {
            return l.level;
        }
    }
    return std::nullopt;
}

std::optional<Target> target_from_string(std::string_view name) {
    if (name == "stderr") {
        return Target::standard_error;
    }
    if (name == "syslog") {
        return Target::syslog;
    }
    return std::nullopt;
}

std::optional<int> syslog_facility_from_string(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, int>, 10> facilities{{
        {"user", LOG_USER},
        {"daemon", LOG_DAEMON},
        {"local0", LOG_LOCAL0},
        {"local1", LOG_LOCAL1},
        {"local2", LOG_LOCAL2},
        {"local3", LOG_LOCAL3},
        {"local4", LOG_LOCAL4},
        {"local5", LOG_LOCAL5},
        {"local6", LOG_LOCAL6},
        {"local7", LOG_LOCAL7},
    }};
    for (const auto& [n, f] : facilities) {
        if (n == name) {
            return f;
        }
    }
    return std::nullopt;
}

void configure(const Settings& settings) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (s.syslog_open) {
        closelog();
        s.syslog_open = false;
    }
    s.settings = settings;
    s.ident = settings.ident;
    if (settings.target == Target::syslog) {
        openlog(s.ident.c_str(), LOG_PID | LOG_NDELAY, settings.syslog_facility);
        s.syslog_open = true;
    }
    g_level = static_cast<int>(settings.level);
}

void set_level(Level level) {
    g_level = static_cast<int>(level);
}

bool enabled(Level level) {
    return static_cast<int>(level) >= g_level.load();
}

void set_sink(Sink sink) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.sink = std::move(sink);
}

std::string format_line(Level level, std::string_view subject, std::string_view operation,
                        std::string_view message) {
    return fmt::format("{} {} {}: {}", entry(level).tag, subject.empty() ? "-" : subject,
                       operation.empty() ? "-" : operation, message);
}

void write(Level level, std::string_view subject, std::string_view operation,
           std::string_view message) {
    if (!enabled(level)) {
        return;
    }
    const std::string line = format_line(level, subject, operation, message);
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (s.sink) {
        s.sink(level, line);
    } else if (s.syslog_open) {
        syslog(entry(level).priority, "%s", line.c_str());
    } else {
        const auto now =
            std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
        fmt::print(stderr, "{:%Y-%m-%dT%H:%M:%S}Z {}[{}] {}\n", now, s.settings.ident, getpid(),
                   line);
        std::fflush(stderr);
    }
}

} // namespace dms::log
