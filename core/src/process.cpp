// SPDX-License-Identifier: GPL-3.0-or-later
// posix_spawn (glibc reports exec failures through its return value, so a missing
// program needs no extra pipe), one poll() loop over stdin, stdout, stderr and a
// pidfd of the child, and a guard that kills and reaps the child on every way out.
#include "dms/core/process.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string_view>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

#include "dms/core/error.hpp"

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace dms {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// After the child has exited, how long its pipes may stay open (held by a
/// grandchild) before we stop reading them.
constexpr milliseconds drain_limit{500};
/// Without a pidfd we notice the child's exit by polling this often.
constexpr milliseconds exit_poll_interval{20};

std::string errno_text(int e) {
    std::array<char, 256> buf{};
    return strerror_r(e, buf.data(), buf.size()); // GNU variant: returns the text
}

/// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            m_fd = std::exchange(o.m_fd, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;

    int get() const { return m_fd; }
    bool open() const { return m_fd >= 0; }
    void reset() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    int m_fd = -1;
};

[[noreturn]] void throw_os(std::string_view what, int e) {
    throw Error(ErrorCode::io, fmt::format("run_process: {}: {}", what, errno_text(e)));
}

/// A close-on-exec pipe whose ends are not 0, 1 or 2: when our own stdio is closed,
/// pipe2 could hand those out, and dup2(fd, fd) in the child would keep CLOEXEC set.
std::pair<Fd, Fd> make_pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
        throw_os("pipe", errno);
    }
    std::array<Fd, 2> ends{Fd(fds[0]), Fd(fds[1])};
    for (auto& end : ends) {
        if (end.get() <= STDERR_FILENO) {
            const int moved = ::fcntl(end.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
            if (moved < 0) {
                throw_os("fcntl", errno);
            }
            end = Fd(moved);
        }
    }
    return {std::move(ends[0]), std::move(ends[1])};
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        throw_os("fcntl", errno);
    }
}

/// Our environment with `extra` ("K=V") added, replacing entries of the same key.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    auto key_of = [](std::string_view kv) { return kv.substr(0, kv.find('=')); };
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view kv(*e);
        const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& x) {
            return key_of(x) == key_of(kv);
        });
        if (!replaced) {
            env.emplace_back(kv);
        }
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

/// posix_spawn attributes and file actions, destroyed on scope exit.
class SpawnSetup {
public:
    SpawnSetup() {
        ::posix_spawnattr_init(&m_attr);
        ::posix_spawn_file_actions_init(&m_actions);
    }
    ~SpawnSetup() {
        ::posix_spawn_file_actions_destroy(&m_actions);
        ::posix_spawnattr_destroy(&m_attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    posix_spawnattr_t m_attr{};
    posix_spawn_file_actions_t m_actions{};
};

/// The running child: killed (whole process group) and reaped if still there when
/// this goes out of scope, e.g. when an exception passes.
class Child {
public:
    explicit Child(pid_t pid) : m_pid(pid) {}
    ~Child() {
        if (!m_reaped) {
            signal_group(SIGKILL);
            int status = 0;
            while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    bool reaped() const { return m_reaped; }
    /// The child's process group, and the child itself in case it left the group.
    void signal_group(int sig) const {
        ::kill(-m_pid, sig);
        ::kill(m_pid, sig);
    }

    /// Reap the child if it has ended (or wait for it if `block`); true once reaped.
    bool try_reap(bool block, ProcessResult& r) {
        int status = 0;
        pid_t got = 0;
        do {
            got = ::waitpid(m_pid, &status, block ? 0 : WNOHANG);
        } while (got < 0 && errno == EINTR);
        if (got == 0) {
            return false;
        }
        m_reaped = true;
        if (got < 0) { // cannot happen unless someone else reaped it (SIGCHLD ignored)
            r.exit_code = -1;
        } else if (WIFSIGNALED(status)) {
            r.exit_code = -1;
            r.signal = WTERMSIG(status);
        } else {
            r.exit_code = WEXITSTATUS(status);
        }
        return true;
    }

private:
    pid_t m_pid;
    bool m_reaped = false;
};

/// Read what `fd` has now into `into` (up to `cap` bytes kept). False at EOF or error.
bool read_available(int fd, std::string& into, std::size_t cap, bool& truncated) {
    std::array<char, 65536> buf{};
    for (int i = 0; i < 16; ++i) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n > 0) {
            const auto take =
                std::min(static_cast<std::size_t>(n), cap - std::min(cap, into.size()));
            into.append(buf.data(), take);
            truncated = truncated || take < static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0) {
            return false;
        }
        if (errno == EINTR) {
            continue;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    return true;
}

/// write() with SIGPIPE blocked in this thread only; a SIGPIPE it raises is consumed.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    sigset_t old;
    ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    const ssize_t n = ::write(fd, data, size);
    const int e = errno;
    if (n < 0 && e == EPIPE && !was_pending) {
        const timespec zero{};
        while (::sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    errno = e;
    return n;
}

milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

int poll_timeout(Clock::time_point now, std::optional<Clock::time_point> until, bool cap) {
    milliseconds wait = milliseconds::max();
    if (until) {
        wait = std::max(milliseconds{0},
                        std::chrono::ceil<milliseconds>(*until - now)); // round up: no spin
    }
    if (cap) {
        wait = std::min(wait, exit_poll_interval);
    }
    return wait == milliseconds::max() ? -1
                                       : static_cast<int>(std::min<milliseconds::rep>(
                                             wait.count(), milliseconds::rep{24} * 3600 * 1000));
}

/// Every pipe of the child and where the conversation stands.
struct Streams {
    Fd in;
    Fd out;
    Fd err;
    std::size_t in_written = 0;
};

/// Write the next piece of stdin text; closes stdin when done or the child left.
void feed_stdin(Streams& s, const std::string& text) {
    while (s.in_written < text.size()) {
        const ssize_t n = write_without_sigpipe(s.in.get(), text.data() + s.in_written,
                                                text.size() - s.in_written);
        if (n > 0) {
            s.in_written += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            break; // EPIPE: the child does not want the rest
        }
    }
    s.in.reset();
}

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options) {
    if (argv.empty() || argv[0].empty()) {
        throw Error(ErrorCode::internal, "run_process: empty argv");
    }
    for (const auto& a : argv) {
        if (a.find('\0') != std::string::npos) {
            throw Error(ErrorCode::internal, "run_process: an argument holds a NUL byte");
        }
    }
    ProcessResult r;
    r.timeout = options.timeout;
    const auto start = Clock::now();

    if (options.cwd) {
        struct stat st {};
        const bool found = ::stat(options.cwd->c_str(), &st) == 0;
        if (!found || !S_ISDIR(st.st_mode)) {
            r.exit_code = 127;
            r.not_started = true;
            r.err = fmt::format("cannot run '{}': working directory {}: {}", argv[0], *options.cwd,
                                found ? errno_text(ENOTDIR) : errno_text(errno));
            return r;
        }
    }

    // On the terminal the child has our stdio, except a stdin fed from stdin_text.
    const bool terminal = options.stdio == StdioMode::terminal;
    const bool stdin_pipe = !terminal || !options.stdin_text.empty();
    Fd in_read;
    Fd in_write;
    Fd out_read;
    Fd out_write;
    Fd err_read;
    Fd err_write;
    if (stdin_pipe) {
        std::tie(in_read, in_write) = make_pipe();
    }
    if (!terminal) {
        std::tie(out_read, out_write) = make_pipe();
        std::tie(err_read, err_write) = make_pipe();
    }

    std::vector<std::string> args(argv);
    auto env = child_environment(options.extra_env);
    const auto c_args = c_strings(args);
    const auto c_env = c_strings(env);

    SpawnSetup setup;
    if (stdin_pipe) {
        posix_spawn_file_actions_adddup2(&setup.m_actions, in_read.get(), STDIN_FILENO);
    }
    if (!terminal) {
        posix_spawn_file_actions_adddup2(&setup.m_actions, out_write.get(), STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&setup.m_actions, err_write.get(), STDERR_FILENO);
    }
    if (options.cwd) {
        posix_spawn_file_actions_addchdir_np(&setup.m_actions, options.cwd->c_str());
    }
    // Whatever fds other code opened without O_CLOEXEC stay with us.
    posix_spawn_file_actions_addclosefrom_np(&setup.m_actions, STDERR_FILENO + 1);
    // Default signal handling and no blocked signals, whatever this process set for
    // itself (ignored signals stay ignored across exec: an editor would not get its
    // Ctrl-C). Captured: its own process group, so that a timeout kills grandchildren
    // too. On the terminal: ours, the terminal's foreground group, so that it may read
    // the keyboard (a background group is stopped by SIGTTIN) and gets Ctrl-C.
    sigset_t all;
    sigset_t none;
    sigfillset(&all);
    sigemptyset(&none);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (!terminal) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&setup.m_attr, 0);
    }
    posix_spawnattr_setflags(&setup.m_attr, flags);
    posix_spawnattr_setsigmask(&setup.m_attr, &none);
    posix_spawnattr_setsigdefault(&setup.m_attr, &all);

    pid_t pid = -1;
    const int spawn_error = ::posix_spawnp(&pid, c_args[0], &setup.m_actions, &setup.m_attr,
                                           c_args.data(), c_env.data());
    if (spawn_error != 0) {
        r.exit_code = 127;
        r.not_started = true;
        r.err = fmt::format("cannot run '{}': {}", argv[0], errno_text(spawn_error));
        r.elapsed = since(start);
        return r;
    }
    Child child(pid);
    in_read.reset();
    out_write.reset();
    err_write.reset();

    Streams s{std::move(in_write), std::move(out_read), std::move(err_read)};
    if (s.out.open()) {
        set_nonblocking(s.out.get());
        set_nonblocking(s.err.get());
    }
    if (options.stdin_text.empty()) {
        s.in.reset();
    } else {
        set_nonblocking(s.in.get());
    }
    // glibc 2.36's <sys/pidfd.h> lacks extern "C", hence the raw system call. -1 on
    // kernels before 5.3: we then poll waitpid instead.
    const Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));

    const bool limited = options.timeout.count() > 0;
    std::optional<Clock::time_point> deadline;
    if (limited) {
        deadline = start + options.timeout;
    }
    bool term_sent = false;
    bool kill_sent = false;
    std::optional<Clock::time_point> drain_until;

    while (true) {
        if (!child.reaped() && !pidfd.open()) {
            child.try_reap(false, r);
        }
        auto now = Clock::now();
        if (child.reaped()) {
            if (!drain_until) {
                drain_until = now + drain_limit;
                s.in.reset();
            }
            if ((!s.out.open() && !s.err.open()) || now >= *drain_until) {
                break;
            }
        } else if (deadline && now >= *deadline) {
            if (!term_sent) {
                r.timed_out = true;
                term_sent = true;
                child.signal_group(SIGTERM);
                s.in.reset();
                deadline = now + options.kill_grace;
            } else if (!kill_sent) {
                kill_sent = true;
                child.signal_group(SIGKILL);
                deadline.reset(); // SIGKILL cannot be refused: wait for the exit
            }
        }

        std::array<pollfd, 4> fds{};
        std::size_t n = 0;
        auto add = [&](const Fd& fd, short events) {
            if (fd.open()) {
                fds[n++] = pollfd{fd.get(), events, 0};
            }
        };
        add(s.out, POLLIN);
        add(s.err, POLLIN);
        add(s.in, POLLOUT);
        if (!child.reaped()) {
            add(pidfd, POLLIN);
        }
        const auto until = child.reaped() ? drain_until : deadline;
        const int rc = ::poll(fds.data(), n, poll_timeout(now, until, !pidfd.open()));
        if (rc < 0 && errno != EINTR) {
            throw_os("poll", errno);
        }
        for (std::size_t i = 0; rc > 0 && i < n; ++i) {
            const auto& p = fds[i];
            if (p.revents == 0) {
                continue;
            }
            if (p.fd == s.out.get() &&
                !read_available(p.fd, r.out, options.max_output, r.truncated)) {
                s.out.reset();
            } else if (p.fd == s.err.get() &&
                       !read_available(p.fd, r.err, options.max_output, r.truncated)) {
                s.err.reset();
            } else if (p.fd == s.in.get()) {
                feed_stdin(s, options.stdin_text);
            } else if (p.fd == pidfd.get()) {
                child.try_reap(true, r);
            }
        }
    }
    if (!child.reaped()) {
        child.try_reap(true, r);
    }
    r.elapsed = since(start);
    return r;
}

std::string describe_failure(const std::vector<std::string>& argv, const ProcessResult& result) {
    std::string subject = "(no program)";
    if (!argv.empty()) {
        const auto slash = argv[0].rfind('/');
        subject = slash == std::string::npos ? argv[0] : argv[0].substr(slash + 1);
        if (argv.size() > 1) {
            subject += ' ';
            subject += argv[1];
        }
    }
    if (result.timed_out) {
        return fmt::format("{}: timed out after {:g} s", subject,
                           static_cast<double>(result.timeout.count()) / 1000.0);
    }
    if (result.signal != 0) {
        const char* name = sigabbrev_np(result.signal);
        return fmt::format("{}: killed by signal {} ({})", subject, result.signal,
                           name != nullptr ? name : "?");
    }
    auto first_line = [](std::string_view text) {
        std::size_t pos = 0;
        while (pos < text.size()) {
            auto nl = text.find('\n', pos);
            if (nl == std::string_view::npos) {
                nl = text.size();
            }
            auto line = text.substr(pos, nl - pos);
            while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) {
                line.remove_suffix(1);
            }
            while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())) != 0) {
                line.remove_prefix(1);
            }
            if (!line.empty()) {
                std::string out(line.substr(0, 300));
                for (auto& c : out) {
                    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                        c = '?';
                    }
                }
                return out;
            }
            pos = nl + 1;
        }
        return std::string{};
    };
    auto line = first_line(result.err);
    if (line.empty()) {
        line = first_line(result.out);
    }
    if (line.empty()) {
        return fmt::format("{}: exit {}", subject, result.exit_code);
    }
    return fmt::format("{}: exit {}: {}", subject, result.exit_code, line);
}

} // namespace dms
