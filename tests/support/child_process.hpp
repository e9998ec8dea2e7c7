// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A server a test runs in the background (named, dmsd): started with an argv vector,
// stdout and stderr appended to a log file, in its own process group with default
// signal handling; stopped with SIGTERM and, after a grace period, SIGKILL; always
// reaped. Not thread safe.

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace dms::test {

class ChildProcess {
public:
    ChildProcess() = default;
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Start `argv` (argv[0] a path); "" on success, else why it could not start.
    std::string start(const std::vector<std::string>& argv, const std::string& log_path);
    /// Still running (reaps it if it has ended).
    bool running();
    /// How it ended ("exit status 1", "killed by signal 9"), once it has.
    const std::string& exit_text() const { return m_exit; }
    /// SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit text.
    std::string stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
    /// SIGKILL at once (a crash), reaped.
    void kill();
    pid_t pid() const { return m_pid; }

private:
    void reap_blocking();
    pid_t m_pid = -1;
    std::string m_exit;
};

} // namespace dms::test
