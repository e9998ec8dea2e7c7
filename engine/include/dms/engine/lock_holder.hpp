// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Which process holds an edit lock, so that a lock left by a zone_tool that died (killed
// during edit_zone) can be released at once instead of after edit_lock_timeout.
//
// The holder is recorded at the end of sm_zone.locked_by, after the caller:
//   "alice@ns1.example.net/Admin (pid 4242 on ns1.example.net, start 1234567)"
// where start is the process's start time in clock ticks since boot (/proc/PID/stat
// field 22), so that a pid used again by another process is not taken for the holder.
// A holder on another host cannot be checked: its lock waits for the timeout.

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace dms::engine {

struct LockHolder {
    std::string host;
    pid_t pid = 0;
    unsigned long long start = 0; ///< clock ticks after boot

    bool operator==(const LockHolder&) const = default;
};

/// This process; std::nullopt if /proc cannot tell its start time.
std::optional<LockHolder> this_process();

/// " (pid P on H, start S)": appended to locked_by.
std::string lock_holder_suffix(const LockHolder& holder);

/// The holder at the end of `locked_by`, if there is one.
std::optional<LockHolder> parse_lock_holder(std::string_view locked_by);

enum class HolderState {
    alive,   ///< the process runs on this host
    gone,    ///< the process on this host has exited (or its pid is another process's now)
    unknown, ///< another host's process
};

/// Whether the holder still runs. Never throws.
HolderState holder_state(const LockHolder& holder);

} // namespace dms::engine
