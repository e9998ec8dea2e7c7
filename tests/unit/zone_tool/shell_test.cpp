// SPDX-License-Identifier: GPL-3.0-or-later
// The interactive shell on a real terminal (a pseudo-terminal): Ctrl-C clears the line
// at the prompt and ends only a running command or the pager (issue 11 item 8); a
// pager that quits before the end of the output ends nothing else (issue 12 item 4).
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr char ctrl_c = '\x03';

/// A TCP port that accepts connections and never answers: a database that hangs.
class BlackHole {
public:
    BlackHole() {
        m_fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        listen(m_fd, 16);
        socklen_t len = sizeof a;
        getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
    }
    ~BlackHole() { close(m_fd); }
    int port() const { return m_port; }
    /// Wait until a client has connected (the command is talking to the "database").
    bool wait_for_client(std::chrono::seconds deadline) {
        pollfd p{m_fd, POLLIN, 0};
        return poll(&p, 1, static_cast<int>(deadline / 1ms)) == 1;
    }

private:
    int m_fd = -1;
    int m_port = 0;
};

/// zone_tool on a pseudo-terminal of 10 rows.
class ShellOnPty : public ::testing::Test {
protected:
    void SetUp() override {
        m_conf = m_dir.write(
            "dms.conf", "[DEFAULT]\ndb_host = 127.0.0.1\ndb_port = " + std::to_string(m_db.port()) +
                            "\ndb_connect_timeout = 600\n");
        winsize ws{};
        ws.ws_row = 10;
        ws.ws_col = 80;
        m_pid = forkpty(&m_fd, nullptr, nullptr, &ws);
        ASSERT_GE(m_pid, 0) << "forkpty: " << std::strerror(errno);
        if (m_pid == 0) {
            setenv("HOME", m_dir.path().c_str(), 1);
            setenv("TERM", "xterm", 1);
            if (m_pager.empty()) {
                unsetenv("PAGER");
            } else {
                setenv("PAGER", m_pager.c_str(), 1);
            }
            unsetenv("LESS");
            const std::string tool = std::string(DMS_BIN_DIR) + "/zone_tool";
            execl(tool.c_str(), "zone_tool", "-c", m_conf.c_str(), nullptr);
            _exit(127);
        }
    }
    void TearDown() override {
        if (m_pid > 0 && alive()) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
        }
        if (m_fd >= 0) {
            close(m_fd);
        }
    }

    void send(const std::string& s) {
        ASSERT_EQ(write(m_fd, s.data(), s.size()), ssize_t(s.size()));
    }

    /// Read the terminal until `what` appears after the last match; false at the
    /// deadline (generous: this is about what happens, not how fast).
    bool wait_for(const std::string& what, std::chrono::seconds deadline = 60s) {
        const auto end = Clock::now() + deadline;
        while (true) {
            if (const auto at = m_seen.find(what, m_pos); at != std::string::npos) {
                m_pos = at + what.size();
                return true;
            }
            if (Clock::now() >= end) {
                return false;
            }
            pollfd p{m_fd, POLLIN, 0};
            if (poll(&p, 1, 100) == 1) {
                char buf[4096];
                const auto n = read(m_fd, buf, sizeof buf);
                if (n <= 0) {
                    return false; // zone_tool is gone
                }
                m_seen.append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    bool alive() { return waitpid(m_pid, nullptr, WNOHANG) == 0; }
    /// zone_tool's wait status once it has ended, or -1 at the deadline.
    int wait_exit(std::chrono::seconds deadline = 60s) {
        const auto end = Clock::now() + deadline;
        while (Clock::now() < end) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                return status;
            }
            wait_for("\x01never\x01", 1s); // keep the terminal drained meanwhile
        }
        return -1;
    }

    TempDir m_dir;
    BlackHole m_db;
    std::string m_pager; ///< $PAGER (set before SetUp); empty: the default
    std::string m_conf;
    pid_t m_pid = -1;
    int m_fd = -1;
    std::string m_seen;
    std::size_t m_pos = 0; ///< where the next wait_for starts looking
};

const std::string prompt = "zone_tool > ";

TEST_F(ShellOnPty, CtrlCClearsTheLineAtThePrompt) {
    ASSERT_TRUE(wait_for(prompt)) << m_seen;
    // Tab completes the command name: the words are in the line editor's buffer.
    send("upg\t");
    ASSERT_TRUE(wait_for("rade_db")) << m_seen;
    send(std::string(1, ctrl_c));
    ASSERT_TRUE(wait_for(prompt)) << m_seen;
    EXPECT_TRUE(alive());
    // The half-typed words are gone: the next line runs on its own (it would be
    // "upgrade_db help create_db", refused for its surplus arguments).
    send("help create_db\n");
    EXPECT_TRUE(wait_for("usage: create_db")) << m_seen;
    EXPECT_EQ(m_seen.find("wrong number of arguments"), std::string::npos) << m_seen;
    ASSERT_TRUE(wait_for(prompt)) << m_seen;
    send("quit\n");
    const int status = wait_exit();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << m_seen;
}

TEST_F(ShellOnPty, CtrlCEndsTheRunningCommandOnly) {
    ASSERT_TRUE(wait_for(prompt)) << m_seen;
    send("ls\n");
    // The command waits for a database that never answers (for 600 s).
    ASSERT_TRUE(m_db.wait_for_client(60s));
    send(std::string(1, ctrl_c));
    ASSERT_TRUE(wait_for(prompt)) << m_seen;
    EXPECT_TRUE(alive());
    send("help create_db\n");
    EXPECT_TRUE(wait_for("usage: create_db")) << m_seen;
    EXPECT_TRUE(alive());
}

TEST_F(ShellOnPty, CtrlCEndsThePager) {
    ASSERT_TRUE(wait_for(prompt)) << m_seen;
    // The command list is longer than 10 rows: it goes through the default pager.
    send("help\n");
    ASSERT_TRUE(wait_for("show_zone")) << m_seen;
    // less itself may take a Ctrl-C typed while it starts up for a mere interrupt (it
    // beeps): an operator presses it again. So do we, once a second, until the prompt.
    bool back = false;
    for (int i = 0; i < 60 && !back; ++i) {
        send(std::string(1, ctrl_c));
        back = wait_for(prompt, 1s);
    }
    ASSERT_TRUE(back) << m_seen;
    EXPECT_TRUE(alive());
    send("help create_db\n");
    EXPECT_TRUE(wait_for("usage: create_db")) << m_seen;
}

/// The shell with a pager that reads `m_pager`'s share of the output and quits.
class ShellWithQuitter : public ShellOnPty {
protected:
    explicit ShellWithQuitter(std::string pager) { m_pager = std::move(pager); }

    /// Long output through the pager, then another command: its output arrives, and
    /// the shell ends normally.
    void survives_the_pager() {
        ASSERT_TRUE(wait_for(prompt)) << m_seen;
        // The command list is longer than 10 rows: it goes through $PAGER.
        send("help\n");
        ASSERT_TRUE(wait_for(prompt)) << m_seen;
        EXPECT_TRUE(alive());
        EXPECT_EQ(m_seen.find("zone_tool: help"), std::string::npos) << m_seen;
        EXPECT_EQ(m_seen.find("command killed"), std::string::npos) << m_seen;
        send("help create_db\n");
        EXPECT_TRUE(wait_for("usage: create_db")) << m_seen;
        ASSERT_TRUE(wait_for(prompt)) << m_seen;
        send("quit\n");
        const int status = wait_exit();
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << m_seen;
    }
};

class ShellWithPagerQuittingAtOnce : public ShellWithQuitter {
protected:
    ShellWithPagerQuittingAtOnce() : ShellWithQuitter("true") {}
};

class ShellWithPagerQuittingEarly : public ShellWithQuitter {
protected:
    // Reads the first line of the page, shows it, and quits (as q in less does).
    ShellWithPagerQuittingEarly() : ShellWithQuitter("head -n 1") {}
};

class ShellWithMissingPager : public ShellWithQuitter {
protected:
    ShellWithMissingPager() : ShellWithQuitter("dms-no-such-pager-xyz -R") {}
};

TEST_F(ShellWithPagerQuittingAtOnce, GoesOn) {
    survives_the_pager();
}

TEST_F(ShellWithPagerQuittingEarly, GoesOn) {
    survives_the_pager();
    EXPECT_NE(m_seen.find("commands (zone_tool help COMMAND for one):"), std::string::npos)
        << m_seen;
    // The lines after the first never reached the terminal.
    EXPECT_EQ(m_seen.find("list the commands, or describe one"), std::string::npos) << m_seen;
}

TEST_F(ShellWithMissingPager, PrintsTheOutputItself) {
    survives_the_pager();
    EXPECT_NE(m_seen.find("show_zone"), std::string::npos) << m_seen;
}

} // namespace
} // namespace dms::test
