// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminal.hpp"

#include <cerrno>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT(readability-redundant-declaration)

namespace dms::zone_tool {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void record_interrupt(int /*signo*/) {
    g_interrupted = 1;
}

} // namespace

ScopedSigint::ScopedSigint(Mode mode) {
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    // No SA_RESTART: a read waiting for the operator returns, so the answer is "none".
    sa.sa_flags = 0;
    sa.sa_handler = mode == Mode::ignore ? SIG_IGN : record_interrupt;
    sigaction(SIGINT, &sa, &m_old);
}

ScopedSigint::~ScopedSigint() {
    sigaction(SIGINT, &m_old, nullptr);
}

bool interrupted() {
    return g_interrupted != 0;
}

void clear_interrupted() {
    g_interrupted = 0;
}

pid_t spawn_on_terminal(const std::vector<std::string>& argv, int stdin_fd, int close_fd) {
    std::vector<std::string> words = argv;
    std::vector<char*> cargv;
    for (auto& a : words) {
        cargv.push_back(a.data());
    }
    cargv.push_back(nullptr);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Ignored signals stay ignored across exec: the program gets its own Ctrl-C back.
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGQUIT);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdin_fd >= 0) {
        posix_spawn_file_actions_adddup2(&fa, stdin_fd, STDIN_FILENO);
    }
    if (close_fd >= 0) {
        posix_spawn_file_actions_addclose(&fa, close_fd);
    }
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, cargv[0], &fa, &attr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

} // namespace dms::zone_tool
