// SPDX-License-Identifier: GPL-3.0-or-later
// See daemon.hpp. Better than the original (REFERENCE.md 1.3, 12 item 8): no 3-second
// polling, no SIGUSR1 from other users' processes; a lost database connection is
// retried with back-off by every thread on its own, and logged once when the database
// goes away and once when it is back (not by every thread at every try).
#include "dms/dmsd/daemon.hpp"

#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include <boost/asio.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/exit_status.hpp"
#include "dms/core/file_util.hpp"
#include "dms/core/host.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/listener.hpp"
#include "dms/db/schema.hpp"
#include "dms/dmsd/event_processor.hpp"
#include "dms/dmsd/reconciler.hpp"
#include "dms/drivers/bind9.hpp"
#include "dms/engine/dr.hpp"
#include "dms/engine/master_context.hpp"

#include "api_server.hpp"
#include "contexts.hpp"

namespace dms::dmsd {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

/// Wakes sleeping workers: a generation counter under a mutex, so a wake-up between a
/// worker's "nothing due" and its wait is never lost.
class Wakeup {
public:
    void notify() {
        {
            const std::lock_guard lock(m_mutex);
            ++m_generation;
        }
        m_cv.notify_all();
    }
    void shutdown() {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
    }
    std::uint64_t generation() {
        const std::lock_guard lock(m_mutex);
        return m_generation;
    }
    bool stopping() {
        const std::lock_guard lock(m_mutex);
        return m_stop;
    }
    /// Sleep until notified after `seen`, shutdown, or `timeout`.
    void wait(std::uint64_t seen, std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        m_cv.wait_for(lock, timeout, [&] { return m_stop || m_generation != seen; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::uint64_t m_generation = 0;
    bool m_stop = false;
};

/// The PID file, locked for the life of the process.
class PidFile {
public:
    explicit PidFile(std::string path) : m_path(std::move(path)) {
        const auto slash = m_path.rfind('/');
        if (slash != std::string::npos && slash > 0) {
            make_directories(m_path.substr(0, slash));
        }
        m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_fd < 0) {
            throw Error(ErrorCode::io, fmt::format("{}: cannot open the PID file: {}", m_path,
                                                   std::strerror(errno)));
        }
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(m_fd);
            m_fd = -1;
            throw Error(ErrorCode::dmsd_still_running,
                        fmt::format("{}: another dmsd runs (the PID file is locked)", m_path));
        }
        const auto pid = std::to_string(::getpid()) + "\n";
        if (::ftruncate(m_fd, 0) != 0 || ::write(m_fd, pid.data(), pid.size()) < 0) {
            throw Error(ErrorCode::io, fmt::format("{}: cannot write the PID file", m_path));
        }
    }
    ~PidFile() {
        if (m_fd >= 0) {
            ::unlink(m_path.c_str());
            ::close(m_fd);
        }
    }
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

private:
    std::string m_path;
    int m_fd = -1;
};

/// Whether the database can be reached, as all of dmsd's threads see it: the first
/// thread that meets an unreachable database logs one line, the first that reaches it
/// again logs one line and wakes the others (they back off while it is away); what
/// each thread meets in between is only debug. Thread safe.
class DatabaseWatch {
public:
    DatabaseWatch(std::string database, Wakeup& wake)
        : m_database(std::move(database)), m_wake(wake) {}

    /// `who` met DatabaseUnavailable `e`.
    void lost(std::string_view who, const std::exception& e) {
        const std::lock_guard lock(m_mutex);
        if (m_since) {
            log::debug(who, "database", "still unavailable: {}", e.what());
            return;
        }
        m_since = std::chrono::steady_clock::now();
        // Most messages name the database already.
        const std::string what = e.what();
        log::error("dmsd", "database unavailable",
                   "{}; waiting for it (each part of dmsd tries again with back-off)",
                   what.find(m_database) != std::string::npos ? what : m_database + ": " + what);
    }

    /// `who` used the database successfully.
    void reached(std::string_view who) {
        {
            const std::lock_guard lock(m_mutex);
            if (!m_since) {
                return;
            }
            const std::chrono::duration<double> away = std::chrono::steady_clock::now() - *m_since;
            m_since.reset();
            log::info("dmsd", "database back", "{} after {:.1f} s (reached by {})", m_database,
                      away.count(), who);
        }
        m_wake.notify();
    }

private:
    std::string m_database;
    Wakeup& m_wake;
    std::mutex m_mutex;
    std::optional<std::chrono::steady_clock::time_point> m_since; ///< away since
};

/// Open a session, retrying with back-off until it works or we stop.
std::optional<db::Session> open_session(const Config& config, Wakeup& wake, DatabaseWatch& watch,
                                        std::string_view who) {
    auto delay = 500ms;
    while (!wake.stopping()) {
        try {
            auto s = db::Session::open(config.db);
            const auto lease = config.duration("event_lease");
            if (lease > 0ms) {
                s.set_parameter("idle_in_transaction_session_timeout",
                                std::to_string(lease.count()));
            }
            watch.reached(who);
            return s;
        } catch (const DatabaseUnavailable& e) {
            watch.lost(who, e);
        } catch (const Error& e) {
            log::error(who, "connect", "{}; retrying in {} ms", e.what(), delay.count());
        }
        wake.wait(wake.generation(), delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(30s));
    }
    return std::nullopt;
}

class Daemon {
public:
    Daemon(const Config& config, drivers::NamedDriver& named, drivers::SlaveDriver& slaves)
        : m_config(config), m_named(named), m_slaves(slaves),
          m_id(fmt::format("{}:{}", host_name(), ::getpid())),
          m_database(fmt::format("{}@{}:{}/{}", config.db.user, config.db.host, config.db.port,
                                 config.db.name),
                     m_wake) {}

    int run() {
        // Signals first: a SIGHUP once "start" is logged is a reload, never lost.
        asio::io_context io;
        asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
        const auto workers = std::max<long>(1, m_config.number("event_queue_threads"));
        log::info("dmsd", "start", "{} event workers, database {}@{}:{}/{}, master named {}:{}",
                  workers, m_config.db.user, m_config.db.host, m_config.db.port, m_config.db.name,
                  m_config.value("master_dns_address"), m_config.value("master_dns_port"));
        std::vector<std::thread> threads;
        for (long i = 1; i <= workers; ++i) {
            threads.emplace_back([this, i] { worker(fmt::format("{}/w{}", m_id, i)); });
        }
        threads.emplace_back([this] { reconciler(); });
        // The HTTPS listener (operations endpoints), when configured.
        std::optional<ApiServer> api;
        if (ApiServer::configured(m_config)) {
            api.emplace(m_config);
            api->start();
        }

        std::function<void(const boost::system::error_code&, int)> on_signal =
            [&](const boost::system::error_code& ec, int sig) {
                if (ec) {
                    return;
                }
                if (sig == SIGHUP) {
                    // A configuration that does not load is reported and changes nothing;
                    // one that loads is taken by starting again in place (same PID)
                    // once the events in progress are done: every part of dmsd is made
                    // from the configuration, so nothing keeps an old value.
                    try {
                        (void)load_config(Program::dmsd,
                                          m_config.source.starts_with("(")
                                              ? std::nullopt
                                              : std::optional<std::string>(m_config.source));
                        log::notice("dmsd", "reload",
                                    "SIGHUP: {} loads; finishing the events in progress, then "
                                    "starting again with it",
                                    m_config.source);
                        m_reload = true;
                        io.stop();
                        return;
                    } catch (const Error& e) {
                        log::error("dmsd", "reload",
                                   "SIGHUP: {} not reloaded, running on with the configuration "
                                   "loaded before: {}",
                                   m_config.source, e.what());
                    }
                    m_wake.notify();
                    m_reconcile_wake.notify();
                    signals.async_wait(on_signal);
                    return;
                }
                log::info("dmsd", "stop", "signal {}: finishing the events in progress", sig);
                io.stop();
            };
        signals.async_wait(on_signal);
        Listen listen(io, *this);
        listen.start();
        io.run();

        if (api) {
            api->stop();
        }
        m_wake.shutdown();
        m_reconcile_wake.shutdown();
        for (auto& t : threads) {
            t.join();
        }
        log::info("dmsd", "stop", "{}", m_reload ? "stopped for the reload" : "stopped");
        return m_reload ? reload_requested : 0;
    }

private:
    /// LISTEN dms_events on its own connection; readability of its socket wakes the
    /// workers. A lost connection is re-opened after a second (and wakes the workers,
    /// since notifications may have been missed meanwhile).
    struct Listen {
        Listen(asio::io_context& i, Daemon& dm) : io(i), d(dm) {}
        asio::io_context& io;
        Daemon& d;
        std::optional<db::Listener> listener;
        std::optional<asio::posix::stream_descriptor> socket;
        asio::steady_timer retry{io};

        void start() {
            try {
                listener.emplace(db::Listener::open(d.m_config.db, "dms_events"));
                socket.emplace(io, ::dup(listener->socket()));
                d.m_database.reached("listen");
                d.m_wake.notify();
                wait();
            } catch (const DatabaseUnavailable& e) {
                d.m_database.lost("listen", e);
                again();
            } catch (const Error& e) {
                log::error("dmsd", "listen", "{}; retrying in 1 s", e.what());
                again();
            }
        }
        void wait() {
            socket->async_wait(asio::posix::stream_descriptor::wait_read,
                               [this](const boost::system::error_code& ec) {
                                   if (ec) {
                                       return;
                                   }
                                   try {
                                       if (listener->consume() > 0) {
                                           d.m_wake.notify();
                                       }
                                       wait();
                                   } catch (const DatabaseUnavailable& e) {
                                       d.m_database.lost("listen", e);
                                       again();
                                   } catch (const Error& e) {
                                       log::error("dmsd", "listen", "{}; reconnecting", e.what());
                                       again();
                                   }
                               });
        }
        void again() {
            socket.reset();
            listener.reset();
            retry.expires_after(1s);
            retry.async_wait([this](const boost::system::error_code& ec) {
                if (!ec) {
                    start();
                }
            });
        }
    };

    void worker(const std::string& name) {
        auto session = open_session(m_config, m_wake, m_database, name);
        if (!session) {
            return;
        }
        EventProcessor processor(*session, m_config, m_named, m_slaves, name);
        auto failure_delay = 500ms;
        while (!m_wake.stopping()) {
            const auto seen = m_wake.generation();
            try {
                const auto step = processor.process_one();
                failure_delay = 500ms;
                m_database.reached(name);
                if (step == EventProcessor::Step::processed) {
                    continue;
                }
                // Due now yet not claimable: another worker runs it. Its end sends
                // no notification, so look again soon rather than spin.
                m_wake.wait(seen,
                            std::max(processor.next_due(60s), std::chrono::milliseconds(50ms)));
            } catch (const DatabaseUnavailable& e) {
                m_database.lost(name, e);
                m_wake.wait(seen, failure_delay);
                failure_delay = std::min(failure_delay * 2, std::chrono::milliseconds(30s));
            } catch (const std::exception& e) {
                log::error(name, "process", "{}; retrying in {} ms", e.what(),
                           failure_delay.count());
                m_wake.wait(seen, failure_delay);
                failure_delay = std::min(failure_delay * 2, std::chrono::milliseconds(30s));
            }
        }
    }

    void reconciler() {
        auto session = open_session(m_config, m_reconcile_wake, m_database, "reconciler");
        if (!session) {
            return;
        }
        const auto interval = m_config.duration("reconcile_interval");
        while (!m_reconcile_wake.stopping()) {
            const auto seen = m_reconcile_wake.generation();
            try {
                const auto r = reconcile(*session, m_config, m_named);
                m_database.reached("reconciler");
                if (r.repaired + r.drifted > 0) {
                    m_wake.notify();
                }
            } catch (const DatabaseUnavailable& e) {
                m_database.lost("reconciler", e);
            } catch (const std::exception& e) {
                log::error("reconciler", "reconcile", "{}", e.what());
            }
            m_reconcile_wake.wait(seen, interval);
        }
    }

    const Config& m_config;
    drivers::NamedDriver& m_named;
    drivers::SlaveDriver& m_slaves;
    std::string m_id;
    Wakeup m_wake, m_reconcile_wake;
    DatabaseWatch m_database;
    bool m_reload = false; ///< SIGHUP with a configuration that loads
};

/// Wait while the database is a hot standby; false if a signal asked us to stop first.
/// SIGINT and SIGTERM are blocked meanwhile and taken by sigtimedwait, so that they end
/// the wait at once; the mask is restored before any thread starts.
bool wait_while_standby(const Config& config, std::optional<db::Session>& session) {
    if (!session->in_recovery()) {
        return true;
    }
    const auto interval = std::max<std::chrono::milliseconds>(
        config.duration("standby_check_interval"), std::chrono::milliseconds(100));
    const auto name = session->describe();
    log::warning("dmsd", "standby",
                 "database {} is a hot standby (read-only replica): waiting for its promotion, "
                 "checking every {:.1f} s",
                 name, std::chrono::duration<double>(interval).count());
    sigset_t stop_signals;
    sigset_t old;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old);
    const auto started = std::chrono::steady_clock::now();
    bool promoted = false;
    bool away = false;
    while (!promoted) {
        const auto s = std::chrono::duration_cast<std::chrono::seconds>(interval);
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(interval - s);
        const timespec ts{static_cast<time_t>(s.count()), static_cast<long>(ns.count())};
        const int sig = sigtimedwait(&stop_signals, nullptr, &ts);
        if (sig == SIGINT || sig == SIGTERM) {
            pthread_sigmask(SIG_SETMASK, &old, nullptr);
            log::info("dmsd", "stop", "signal {} while waiting for the standby's promotion", sig);
            return false;
        }
        try {
            if (!session) {
                session.emplace(db::Session::open(config.db));
            }
            promoted = !session->in_recovery();
            if (away) {
                log::info("dmsd", "standby", "database {} reachable again, still a standby", name);
                away = false;
            }
        } catch (const DatabaseUnavailable& e) {
            if (!away) {
                log::warning("dmsd", "standby", "{}; still waiting", e.what());
                away = true;
            }
            session.reset();
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    log::notice("dmsd", "standby", "database {} was promoted after {:.1f} s of waiting: starting",
                name,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return true;
}

} // namespace

int run_daemon(const Config& config, bool force) {
    try {
        // The PID file first: a second dmsd must not wait beside the first.
        const PidFile pid(config.value("dmsd_pid_file"));
        {
            std::optional<db::Session> s(db::Session::open(config.db));
            if (!wait_while_standby(config, s)) {
                return 0;
            }
            const auto st = db::inspect_schema(*s);
            if (st.state != db::SchemaState::current) {
                log::critical("dmsd", "start",
                              "database {} has schema version {}, not {}: run "
                              "zone_tool upgrade_db",
                              s->describe(), st.version,
                              db::SchemaBundle::embedded().latest_version());
                return to_int(ExitStatus::unavailable);
            }
            engine::check_not_fenced(*s, config, force);
            s->transaction("master identity", [&](db::Transaction& tx) {
                engine::record_master_identity(tx, config);
            });
        }
        const auto named = drivers::bind9::make_named_driver(config);
        const auto slaves = drivers::bind9::make_slave_driver(config);
        Daemon d(config, *named, *slaves);
        return d.run();
    } catch (const Error& e) {
        log::critical("dmsd", "start", "{}", e.what());
        return to_int(e.exit_status());
    }
}

} // namespace dms::dmsd
