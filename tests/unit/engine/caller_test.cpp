// SPDX-License-Identifier: GPL-3.0-or-later
// Who zone_tool says ran it (issue 11 item 7): the real uid's account, and sudo's
// SUDO_USER only when a sudo process really is among the ancestors.
#include <cstdlib>
#include <pwd.h>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "dms/engine/caller.hpp"

namespace dms::engine {
namespace {

std::string me_at_host() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    const passwd* pw = getpwuid(getuid());
    return std::string(pw != nullptr ? pw->pw_name : "?") + "@" + host;
}

class CallerIdentity : public ::testing::Test {
protected:
    void TearDown() override {
        for (const char* v : {"USER", "LOGNAME", "SUDO_USER", "SUDO_UID"}) {
            unsetenv(v);
        }
    }
};

TEST_F(CallerIdentity, UserAndLognameAreNotBelieved) {
    setenv("USER", "mallory", 1);
    setenv("LOGNAME", "mallory", 1);
    EXPECT_EQ(local_login_id(), me_at_host());
    EXPECT_EQ(local_caller().change_by(), me_at_host() + "/Admin");
}

TEST_F(CallerIdentity, SudoVariablesWithoutSudoAreNotBelieved) {
    const passwd* nobody = getpwnam("nobody");
    ASSERT_NE(nobody, nullptr);
    setenv("SUDO_USER", "nobody", 1);
    setenv("SUDO_UID", std::to_string(nobody->pw_uid).c_str(), 1);
    EXPECT_EQ(local_login_id(), me_at_host());
}

/// local_login_id() of a process started the way sudo starts one: a parent named
/// "sudo" with the invoker's real uid (nobody) and root's effective uid, its child
/// root, with SUDO_USER and SUDO_UID as given.
std::string under_fake_sudo(const std::string& sudo_user, const std::string& sudo_uid) {
    int fds[2];
    if (pipe(fds) != 0) {
        return "pipe failed";
    }
    const pid_t sudo = fork();
    if (sudo == 0) {
        close(fds[0]);
        const passwd* nobody = getpwnam("nobody");
        prctl(PR_SET_NAME, "sudo");
        if (nobody == nullptr || setresuid(nobody->pw_uid, 0, 0) != 0) {
            _exit(2);
        }
        const pid_t cmd = fork();
        if (cmd == 0) {
            if (setresuid(0, 0, 0) != 0) {
                _exit(2);
            }
            setenv("SUDO_USER", sudo_user.c_str(), 1);
            setenv("SUDO_UID", sudo_uid.c_str(), 1);
            const auto id = local_login_id();
            (void)!write(fds[1], id.data(), id.size());
            _exit(0);
        }
        int status = 0;
        waitpid(cmd, &status, 0);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 3);
    }
    close(fds[1]);
    std::string out;
    char buf[512];
    for (ssize_t n = 0; (n = read(fds[0], buf, sizeof buf)) > 0;) {
        out.append(buf, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    waitpid(sudo, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return "child failed";
    }
    return out;
}

TEST_F(CallerIdentity, ThroughSudoTheInvokerIsAddedWhenSudoConfirmsIt) {
    if (getuid() != 0) {
        GTEST_SKIP() << "needs root to start a process the way sudo does";
    }
    const passwd* nobody = getpwnam("nobody");
    ASSERT_NE(nobody, nullptr);
    const auto uid = std::to_string(nobody->pw_uid);
    EXPECT_EQ(under_fake_sudo("nobody", uid), me_at_host() + " (sudo nobody)");
    // A SUDO_UID that is not the sudo's real uid, or a SUDO_USER of another account:
    // the variables were set by hand.
    EXPECT_EQ(under_fake_sudo("nobody", "0"), me_at_host());
    EXPECT_EQ(under_fake_sudo("daemon", uid), me_at_host());
}

} // namespace
} // namespace dms::engine
