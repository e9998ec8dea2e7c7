// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Ctrl-C and the programs zone_tool runs on the operator's terminal (editor, pager;
// started by run_process with RunOptions::on_terminal(), signals at their defaults).
//
// SIGINT reaches every process of the terminal's foreground group: zone_tool and the
// editor or pager it waits for. zone_tool ignores it while such a program runs (that
// program decides what Ctrl-C means, as system() does), and while it waits for an
// answer it turns Ctrl-C into "no answer" instead of dying.

#include <csignal>
#include <sys/types.h>

namespace dms::zone_tool {

/// SIGINT's disposition for one scope; the previous one comes back at its end.
class ScopedSigint {
public:
    enum class Mode {
        ignore,    ///< Ctrl-C does nothing to this process
        interrupt, ///< recorded (interrupted()) and blocking reads return with EINTR
    };
    explicit ScopedSigint(Mode mode);
    ~ScopedSigint();
    ScopedSigint(const ScopedSigint&) = delete;
    ScopedSigint& operator=(const ScopedSigint&) = delete;

private:
    struct sigaction m_old {};
};

/// Whether SIGINT arrived since the last clear_interrupted() (Mode::interrupt only).
bool interrupted();
void clear_interrupted();

/// Wait for `pid` (through EINTR); its wait status.
int wait_for(pid_t pid);

} // namespace dms::zone_tool
