// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/file_util.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

#include "dms/core/error.hpp"

namespace dms {
namespace {

[[noreturn]] void fail(std::string_view what, const std::string& path, int err) {
    throw Error(ErrorCode::io, fmt::format("{}: {}: {}", path, what, std::strerror(err)));
}

} // namespace

void DeferredSync::sync() {
    auto paths = std::move(m_paths);
    m_paths.clear();
    for (const auto& path : paths) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fail("cannot open to flush", path, errno);
        }
        if (::fsync(fd) != 0) {
            const int err = errno;
            ::close(fd);
            fail("cannot flush", path, err);
        }
        ::close(fd);
    }
}

void write_file_atomically(const std::string& path, std::string_view content, mode_t mode,
                           DeferredSync* deferred) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string tmp = dir + "/." + base + ".tmp.XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) {
        fail("cannot create a temporary file beside it", path, errno);
    }
    const auto cleanup = [&](int err, std::string_view what) {
        ::close(fd);
        ::unlink(tmp.c_str());
        fail(what, path, err);
    };
    std::size_t done = 0;
    while (done < content.size()) {
        const auto n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            cleanup(errno, "cannot write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, mode) != 0) {
        cleanup(errno, "cannot set its mode");
    }
    if (deferred) {
        // Start writing the data now; deferred->sync() waits for it (and the metadata).
        if (::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) != 0) {
            cleanup(errno, "cannot start writing it out");
        }
    } else if (::fsync(fd) != 0) {
        cleanup(errno, "cannot flush");
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        fail("cannot close", path, err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        fail("cannot rename the temporary file over it", path, err);
    }
    if (deferred) {
        deferred->add(path);
    }
}

bool remove_file(const std::string& path) {
    if (::unlink(path.c_str()) == 0) {
        return true;
    }
    if (errno == ENOENT) {
        return false;
    }
    fail("cannot remove", path, errno);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail("cannot read", path, errno);
    }
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void make_directories(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("{}: cannot create: {}", path, ec.message()));
    }
}

bool pid_file_locked(const std::string& pid_file) {
    const int fd = ::open(pid_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return locked;
}

std::string temp_directory() {
    // A relative $TMPDIR would depend on the working directory of the moment.
    const char* env = std::getenv("TMPDIR");
    if (env != nullptr && env[0] == '/') {
        std::string dir(env);
        while (dir.size() > 1 && dir.back() == '/') {
            dir.pop_back();
        }
        return dir;
    }
    return "/tmp";
}

TempFile::TempFile(std::string_view prefix, std::string_view suffix) {
    const auto dir = temp_directory();
    std::string name = fmt::format("{}/{}XXXXXX{}", dir, prefix, suffix);
    const int fd = ::mkostemps(name.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
    if (fd < 0) {
        fail("cannot create a temporary file", dir, errno);
    }
    m_path = std::move(name);
    m_fd = fd;
}

TempFile::~TempFile() {
    close();
    if (!m_path.empty()) {
        ::unlink(m_path.c_str());
    }
}

TempFile::TempFile(TempFile&& o) noexcept
    : m_path(std::exchange(o.m_path, {})), m_fd(std::exchange(o.m_fd, -1)) {}

TempFile& TempFile::operator=(TempFile&& o) noexcept {
    if (this != &o) {
        close();
        if (!m_path.empty()) {
            ::unlink(m_path.c_str());
        }
        m_path = std::exchange(o.m_path, {});
        m_fd = std::exchange(o.m_fd, -1);
    }
    return *this;
}

void TempFile::close() {
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

TempDirectory::TempDirectory(std::string_view prefix) {
    const auto dir = temp_directory();
    std::string name = fmt::format("{}/{}XXXXXX", dir, prefix);
    if (::mkdtemp(name.data()) == nullptr) {
        fail("cannot create a temporary directory", dir, errno);
    }
    m_path = std::move(name);
}

TempDirectory::~TempDirectory() {
    remove();
}

TempDirectory::TempDirectory(TempDirectory&& o) noexcept : m_path(std::exchange(o.m_path, {})) {}

TempDirectory& TempDirectory::operator=(TempDirectory&& o) noexcept {
    if (this != &o) {
        remove();
        m_path = std::exchange(o.m_path, {});
    }
    return *this;
}

std::string TempDirectory::file(std::string_view name) const {
    return fmt::format("{}/{}", m_path, name);
}

void TempDirectory::remove() noexcept {
    if (!m_path.empty()) {
        std::error_code ec; // nothing to do about a failure in a destructor
        std::filesystem::remove_all(m_path, ec);
        m_path.clear();
    }
}

} // namespace dms
