// SPDX-License-Identifier: GPL-3.0-or-later
#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX, for posix_spawn

namespace dms::test {

using namespace std::chrono_literals;

ChildProcess::~ChildProcess() {
    stop();
}

std::string ChildProcess::start(const std::vector<std::string>& args, const std::string& log_path) {
    if (running()) {
        return "already running (pid " + std::to_string(m_pid) + ")";
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attr);
    ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                       0644);
    ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
    ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    // Own process group (a ^C meant for the test is not the server's), default signal
    // handling and an empty mask whatever the test process set.
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                          POSIX_SPAWN_SETSIGDEF);
    ::posix_spawnattr_setpgroup(&attr, 0);
    ::posix_spawnattr_setsigmask(&attr, &none);
    ::posix_spawnattr_setsigdefault(&attr, &all);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const int rc = ::posix_spawn(&m_pid, copy[0].c_str(), &actions, &attr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        m_pid = -1;
        return "cannot start " + args[0] + ": " + std::strerror(rc);
    }
    m_exit.clear();
    return {};
}

bool ChildProcess::running() {
    if (m_pid < 0) {
        return false;
    }
    int status = 0;
    const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid || (r < 0 && errno == ECHILD)) {
        m_exit = r != m_pid            ? "already reaped"
                 : WIFEXITED(status)   ? "exit status " + std::to_string(WEXITSTATUS(status))
                 : WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                       : "ended";
        m_pid = -1;
        return false;
    }
    return true;
}

std::string ChildProcess::stop(std::chrono::milliseconds grace) {
    if (!running()) {
        return m_exit;
    }
    ::kill(m_pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) {
            return m_exit;
        }
        std::this_thread::sleep_for(20ms);
    }
    ::kill(m_pid, SIGKILL);
    reap_blocking();
    return m_exit;
}

void ChildProcess::kill() {
    if (running()) {
        ::kill(m_pid, SIGKILL);
        reap_blocking();
    }
}

void ChildProcess::reap_blocking() {
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_exit = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                 : "exit status " + std::to_string(WEXITSTATUS(status));
    m_pid = -1;
}

} // namespace dms::test
