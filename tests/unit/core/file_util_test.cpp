// SPDX-License-Identifier: GPL-3.0-or-later
// Atomic file writes, flushed at once or together (DeferredSync); temporary files
// and directories in $TMPDIR.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"

#include "temp_dir.hpp"

namespace dms::test {
namespace {

using ::testing::HasSubstr;

std::size_t files_in(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) {
        ++n;
    }
    return n;
}

TEST(FileUtil, WritesAtomicallyWithTheModeAndNoTemporaryLeft) {
    TempDir dir;
    const auto path = (dir.path() / "example.org.zone").string();
    write_file_atomically(path, "first\n", 0640);
    write_file_atomically(path, "second\n", 0664);
    EXPECT_EQ(read_file(path), "second\n");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0664U);
    EXPECT_EQ(files_in(dir.path()), 1U);
}

TEST(FileUtil, DeferredFilesAreInPlaceAtOnceAndFlushedBySync) {
    TempDir dir;
    DeferredSync deferred;
    for (int i = 0; i < 3; ++i) {
        const auto path = (dir.path() / ("z" + std::to_string(i))).string();
        write_file_atomically(path, "zone " + std::to_string(i) + "\n", 0644, &deferred);
        // Readers (named) see the whole new file before the flush.
        EXPECT_EQ(read_file(path), "zone " + std::to_string(i) + "\n");
    }
    EXPECT_EQ(deferred.pending(), 3U);
    EXPECT_EQ(files_in(dir.path()), 3U) << "a temporary file was left behind";
    deferred.sync();
    EXPECT_EQ(deferred.pending(), 0U);

    // A file gone before its flush is an error naming it; the list is done with.
    const auto gone = (dir.path() / "gone").string();
    write_file_atomically(gone, "x\n", 0644, &deferred);
    std::filesystem::remove(gone);
    try {
        deferred.sync();
        ADD_FAILURE() << "sync() of a removed file did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::io);
        EXPECT_THAT(e.what(), HasSubstr(gone));
    }
    EXPECT_EQ(deferred.pending(), 0U);
}

TEST(FileUtil, AFailedWriteLeavesTheOldFileAndNothingPending) {
    TempDir dir;
    DeferredSync deferred;
    const auto missing_dir = (dir.path() / "no-such-dir" / "f").string();
    EXPECT_THROW(write_file_atomically(missing_dir, "x", 0644, &deferred), Error);
    EXPECT_EQ(deferred.pending(), 0U);
}

/// $TMPDIR set to `value` (unset for nullopt) for one scope.
class ScopedTmpdir {
public:
    explicit ScopedTmpdir(const std::optional<std::string>& value) {
        if (const char* v = std::getenv("TMPDIR")) {
            m_old = v;
        }
        if (value) {
            setenv("TMPDIR", value->c_str(), 1);
        } else {
            unsetenv("TMPDIR");
        }
    }
    ~ScopedTmpdir() {
        if (m_old) {
            setenv("TMPDIR", m_old->c_str(), 1);
        } else {
            unsetenv("TMPDIR");
        }
    }
    ScopedTmpdir(const ScopedTmpdir&) = delete;
    ScopedTmpdir& operator=(const ScopedTmpdir&) = delete;

private:
    std::optional<std::string> m_old;
};

TEST(FileUtil, TemporaryFilesGoToTmpdirElseTmp) {
    TempDir dir;
    {
        const ScopedTmpdir tmpdir(dir.path().string() + "/");
        EXPECT_EQ(temp_directory(), dir.path().string());
    }
    {
        const ScopedTmpdir tmpdir(std::nullopt);
        EXPECT_EQ(temp_directory(), "/tmp");
    }
    {
        // Relative or empty: not a place to rely on.
        const ScopedTmpdir tmpdir(std::string("relative/dir"));
        EXPECT_EQ(temp_directory(), "/tmp");
        const ScopedTmpdir empty(std::string(""));
        EXPECT_EQ(temp_directory(), "/tmp");
    }
}

TEST(FileUtil, ATempFileIsPrivateNewAndRemovedWithItsObject) {
    TempDir dir;
    const ScopedTmpdir tmpdir(dir.path().string());
    std::string path;
    {
        TempFile a("zone_tool-", ".zone");
        TempFile b("zone_tool-", ".zone");
        path = a.path();
        EXPECT_NE(a.path(), b.path());
        EXPECT_EQ(std::filesystem::path(path).parent_path(), dir.path());
        const auto name = std::filesystem::path(path).filename().string();
        EXPECT_TRUE(name.starts_with("zone_tool-")) << name;
        EXPECT_TRUE(name.ends_with(".zone")) << name;
        EXPECT_EQ(name.size(), std::string("zone_tool-XXXXXX.zone").size()) << name;
        struct stat st {};
        ASSERT_EQ(::fstat(a.fd(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600U);
        ASSERT_EQ(::write(a.fd(), "abc", 3), 3);
        a.close();
        EXPECT_EQ(a.fd(), -1);
        EXPECT_EQ(read_file(path), "abc");
        // Moved: removed once, by its new owner.
        TempFile moved(std::move(b));
        EXPECT_EQ(files_in(dir.path()), 2U);
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_EQ(files_in(dir.path()), 0U);
}

TEST(FileUtil, ATempDirectoryGoesWithEverythingInIt) {
    TempDir dir;
    const ScopedTmpdir tmpdir(dir.path().string());
    std::string path;
    {
        const TempDirectory t("zone_tool-diff.");
        path = t.path();
        EXPECT_EQ(std::filesystem::path(path).parent_path(), dir.path());
        EXPECT_TRUE(std::filesystem::path(path).filename().string().starts_with("zone_tool-diff."));
        struct stat st {};
        ASSERT_EQ(::stat(path.c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0700U);
        EXPECT_EQ(t.file("a"), path + "/a");
        write_file_atomically(t.file("a"), "a\n");
        make_directories(t.file("sub/deeper"));
        write_file_atomically(t.file("sub/deeper/b"), "b\n");
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_EQ(files_in(dir.path()), 0U);
}

TEST(FileUtil, ATmpdirThatIsNotThereIsAnErrorNamingIt) {
    const ScopedTmpdir tmpdir(std::string("/nonexistent/dms-tmpdir"));
    for (int i = 0; i < 2; ++i) {
        try {
            if (i == 0) {
                TempFile f("x-");
            } else {
                TempDirectory d("x-");
            }
            ADD_FAILURE() << "no error for a missing $TMPDIR";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::io);
            EXPECT_THAT(e.what(), HasSubstr("/nonexistent/dms-tmpdir"));
        }
    }
}

} // namespace
} // namespace dms::test
