// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminal.hpp"

#include <cerrno>
#include <sys/wait.h>
#include <unistd.h>

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

int wait_for(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

} // namespace dms::zone_tool
