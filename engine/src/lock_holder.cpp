// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/lock_holder.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "dms/core/host.hpp"

namespace dms::engine {
namespace {

struct ProcStat {
    char state = '?';             ///< field 3: 'Z' for a zombie (exited, not reaped)
    unsigned long long start = 0; ///< field 22: start time in clock ticks after boot
};

/// Fields of /proc/PID/stat, or std::nullopt when there is no such process.
std::optional<ProcStat> proc_stat(pid_t pid) {
    std::ifstream in(fmt::format("/proc/{}/stat", pid));
    std::string stat;
    if (!in || !std::getline(in, stat)) {
        return std::nullopt;
    }
    // "PID (COMM) STATE ...": COMM may hold spaces and parentheses; fields 3.. follow
    // the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    ProcStat out;
    for (int i = 3; i <= 22; ++i) {
        if (!(fields >> field)) {
            return std::nullopt;
        }
        if (i == 3) {
            out.state = field.front();
        }
    }
    const auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), out.start);
    if (ec != std::errc{} || p != field.data() + field.size()) {
        return std::nullopt;
    }
    return out;
}

template <typename T>
bool number(std::string_view s, T& out) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
}

} // namespace

std::optional<LockHolder> this_process() {
    const auto pid = getpid();
    const auto st = proc_stat(pid);
    if (!st) {
        return std::nullopt;
    }
    return LockHolder{host_name(), pid, st->start};
}

std::string lock_holder_suffix(const LockHolder& h) {
    return fmt::format(" (pid {} on {}, start {})", h.pid, h.host, h.start);
}

std::optional<LockHolder> parse_lock_holder(std::string_view s) {
    constexpr std::string_view open = " (pid ";
    const auto at = s.rfind(open);
    if (at == std::string_view::npos || !s.ends_with(')')) {
        return std::nullopt;
    }
    auto rest = s.substr(at + open.size(), s.size() - at - open.size() - 1);
    const auto on = rest.find(" on ");
    const auto comma = rest.rfind(", start ");
    if (on == std::string_view::npos || comma == std::string_view::npos || comma < on) {
        return std::nullopt;
    }
    LockHolder h;
    h.host = std::string(rest.substr(on + 4, comma - on - 4));
    if (!number(rest.substr(0, on), h.pid) || h.pid <= 0 ||
        !number(rest.substr(comma + 8), h.start) || h.host.empty()) {
        return std::nullopt;
    }
    return h;
}

HolderState holder_state(const LockHolder& h) {
    if (h.host != host_name()) {
        return HolderState::unknown;
    }
    if (kill(h.pid, 0) != 0 && errno == ESRCH) {
        return HolderState::gone;
    }
    const auto st = proc_stat(h.pid);
    if (!st) {
        // Exited between the two looks (or no /proc): gone only if kill agrees now.
        return kill(h.pid, 0) != 0 && errno == ESRCH ? HolderState::gone : HolderState::unknown;
    }
    // Another process with the pid now, or the holder exited and awaits its parent.
    return st->start != h.start || st->state == 'Z' ? HolderState::gone : HolderState::alive;
}

} // namespace dms::engine
