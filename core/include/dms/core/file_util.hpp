// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Files written the way named and rsync readers need them: whole or not at all; and
// temporary files and directories of our own (in $TMPDIR, removed with their object).

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

/// Whether a process holds a lock on `pid_file` (dmsd locks its PID file while it runs):
/// false when the file is missing or unlocked.
bool pid_file_locked(const std::string& pid_file);

/// Where temporary files go: $TMPDIR when it is an absolute path, else /tmp.
std::string temp_directory();

/// A new file of our own in temp_directory(), "<prefix>XXXXXX<suffix>" made by
/// mkstemps (mode 0600, never an existing file or a link someone placed there), open
/// for reading and writing. The object owns it: the descriptor is closed and the file
/// removed when it goes. Not thread-safe; movable, not copyable.
class TempFile {
public:
    /// @param prefix start of the file name, e.g. "zone_tool-apex-"
    /// @param suffix end of the file name, e.g. ".zone" (some editors go by it)
    /// @throws dms::Error(ErrorCode::io) naming the directory and the system error
    explicit TempFile(std::string_view prefix, std::string_view suffix = {});
    ~TempFile();
    TempFile(TempFile&& o) noexcept;
    TempFile& operator=(TempFile&& o) noexcept;
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const { return m_path; }
    /// The open descriptor (close-on-exec); -1 once closed.
    int fd() const { return m_fd; }
    /// Close the descriptor now (the file stays until the object goes).
    void close();

private:
    std::string m_path;
    int m_fd = -1;
};

/// A new directory of our own in temp_directory(), "<prefix>XXXXXX" made by mkdtemp
/// (mode 0700: files made in it by name cannot be raced by other users). Removed with
/// everything in it when the object goes. Movable, not copyable.
class TempDirectory {
public:
    /// @param prefix start of the directory name, e.g. "zone_tool-diff."
    /// @throws dms::Error(ErrorCode::io) naming the directory and the system error
    explicit TempDirectory(std::string_view prefix);
    ~TempDirectory();
    TempDirectory(TempDirectory&& o) noexcept;
    TempDirectory& operator=(TempDirectory&& o) noexcept;
    TempDirectory(const TempDirectory&) = delete;
    TempDirectory& operator=(const TempDirectory&) = delete;

    const std::string& path() const { return m_path; }
    /// path() + "/" + `name`.
    std::string file(std::string_view name) const;

private:
    void remove() noexcept;
    std::string m_path;
};

} // namespace dms
