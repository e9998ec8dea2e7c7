// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/file_util.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

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

} // namespace dms
