// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Files written the way named and rsync readers need them: whole or not at all.

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace dms {

/// Files written by write_file_atomically that are made durable together: each is in
/// place at once, its data already on its way to the disk, and sync() waits until all
/// of them are on it. Waiting once for many files of a batch instead of once per file
/// halves what their flushes cost (bench/publish: 10,000 zone files). Until sync()
/// returns, a crash may leave such a file empty or old, so callers sync before they
/// record the files as written (dmsd: before its transaction commits).
class DeferredSync {
public:
    DeferredSync() = default;
    DeferredSync(const DeferredSync&) = delete;
    DeferredSync& operator=(const DeferredSync&) = delete;

    void add(std::string path) { m_paths.push_back(std::move(path)); }
    std::size_t pending() const { return m_paths.size(); }
    /// Flush the files added since the last call to disk.
    /// @throws dms::Error(ErrorCode::io) naming the first file that failed
    void sync();

private:
    std::vector<std::string> m_paths;
};

/// Write `content` to `path` atomically: a temp file in the same directory, written,
/// flushed to disk (or, with `deferred`, flushed by deferred->sync()), given `mode`,
/// then renamed over `path`. Readers see the old file or the new one, never a part. On
/// any failure the temp file is removed and `path` is untouched.
/// @throws dms::Error(ErrorCode::io) naming the path and the system error
void write_file_atomically(const std::string& path, std::string_view content, mode_t mode = 0644,
                           DeferredSync* deferred = nullptr);

/// Remove `path`; a missing file is not an error.
/// @returns true if a file was removed
/// @throws dms::Error(ErrorCode::io) on any other failure
bool remove_file(const std::string& path);

/// Read a whole file. @throws dms::Error(ErrorCode::io) naming the path
std::string read_file(const std::string& path);

/// Create `path` and its parents if missing (mode 0755). @throws dms::Error(ErrorCode::io)
void make_directories(const std::string& path);

} // namespace dms
