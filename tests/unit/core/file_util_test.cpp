// SPDX-License-Identifier: GPL-3.0-or-later
// Atomic file writes, flushed at once or together (DeferredSync).
#include <filesystem>
#include <sys/stat.h>

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

} // namespace
} // namespace dms::test
