// SPDX-License-Identifier: GPL-3.0-or-later
// Which process holds an edit lock, and whether it still runs (issue 11 item 8).
#include <csignal>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "dms/engine/lock_holder.hpp"

namespace dms::engine {
namespace {

TEST(LockHolder, ThisProcessRunsAndReadsBackFromLockedBy) {
    const auto me = this_process();
    ASSERT_TRUE(me);
    EXPECT_EQ(me->pid, getpid());
    const auto locked_by = "alice@ns1.example.net/Admin" + lock_holder_suffix(*me);
    const auto back = parse_lock_holder(locked_by);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, *me);
    EXPECT_EQ(holder_state(*me), HolderState::alive);
}

TEST(LockHolder, AnExitedProcessIsGone) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The holder as the child records it in locked_by.
        const auto me = this_process();
        const auto text = me ? lock_holder_suffix(*me) : std::string();
        (void)!write(fds[1], text.data(), text.size());
        close(fds[1]);
        pause();
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[256];
    for (ssize_t n = 0; (n = read(fds[0], buf, sizeof buf)) > 0;) {
        text.append(buf, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    const auto h = parse_lock_holder("bob@h/Admin" + text);
    ASSERT_TRUE(h) << text;
    EXPECT_EQ(h->pid, child);
    EXPECT_EQ(holder_state(*h), HolderState::alive);
    // Another start time: the pid belongs to another process now, not to the holder.
    auto reused = *h;
    reused.start += 1;
    EXPECT_EQ(holder_state(reused), HolderState::gone);
    kill(child, SIGKILL);
    // Killed, not yet reaped (a zombie): gone.
    siginfo_t info{};
    ASSERT_EQ(waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);
    EXPECT_EQ(holder_state(*h), HolderState::gone);
    waitpid(child, nullptr, 0);
    EXPECT_EQ(holder_state(*h), HolderState::gone);
}

TEST(LockHolder, AnotherHostsProcessCannotBeChecked) {
    auto h = *this_process();
    h.host = "elsewhere.invalid";
    EXPECT_EQ(holder_state(h), HolderState::unknown);
}

TEST(LockHolder, LockedByWithoutAHolderHasNone) {
    EXPECT_FALSE(parse_lock_holder("alice@ns1.example.net/Admin"));
    EXPECT_FALSE(parse_lock_holder(""));
    EXPECT_FALSE(parse_lock_holder("x (pid 12 on , start 5)"));
    EXPECT_FALSE(parse_lock_holder("x (pid -3 on h, start 5)"));
    EXPECT_FALSE(parse_lock_holder("x (pid 12 on h, start 5x)"));
    const auto h = parse_lock_holder("odd (pid 1) user@h/Admin (pid 12 on h (x), start 5)");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->pid, 12);
    EXPECT_EQ(h->host, "h (x)");
    EXPECT_EQ(h->start, 5U);
}

} // namespace
} // namespace dms::engine
