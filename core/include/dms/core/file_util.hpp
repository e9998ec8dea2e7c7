// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Files written the way named and rsync readers need them: whole or not at all.

#include <string>
#include <string_view>
#include <sys/types.h>

namespace dms {

/// Write `content` to `path` atomically: a temp file in the same directory, written,
/// flushed to disk, given `mode`, then renamed over `path`. Readers see the old file or
/// the new one, never a part. On any failure the temp file is removed and `path` is
/// untouched.
/// @throws dms::Error(ErrorCode::io) naming the path and the system error
void write_file_atomically(const std::string& path, std::string_view content, mode_t mode = 0644);

/// Remove `path`; a missing file is not an error.
/// @returns true if a file was removed
/// @throws dms::Error(ErrorCode::io) on any other failure
bool remove_file(const std::string& path);

/// Read a whole file. @throws dms::Error(ErrorCode::io) naming the path
std::string read_file(const std::string& path);

/// Create `path` and its parents if missing (mode 0755). @throws dms::Error(ErrorCode::io)
void make_directories(const std::string& path);

} // namespace dms
