// SPDX-License-Identifier: GPL-3.0-or-later
#include "soak.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <regex>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "dms_deployment.hpp"
#include "soak_check.hpp"
#include "soak_zone.hpp"
#include "temp_dir.hpp"

namespace dms::test::soak {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto retry_pause = 500ms;
constexpr auto save_timeout = 60s;
constexpr auto setup_deadline = 180s;
constexpr auto poll_pause = 2s;

/// Progress lines, "[+  12.3 s 03:25:11.123] text", from any thread.
class Log {
public:
    explicit Log(std::ostream& out) : m_out(out), m_start(Clock::now()) {}
    void line(const std::string& text) {
        const std::lock_guard lock(m_mutex);
        m_out << fmt::format("[+{:7.1f} s {}] {}\n", seconds(), wall_clock(), text) << std::flush;
    }
    double seconds() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }

private:
    std::mutex m_mutex;
    std::ostream& m_out;
    Clock::time_point m_start;
};

std::mt19937_64 rng_for(std::uint64_t seed, std::uint64_t stream) {
    std::seed_seq s{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(stream)};
    return std::mt19937_64(s);
}

milliseconds between(std::mt19937_64& rng, milliseconds lo, milliseconds hi) {
    return milliseconds(std::uniform_int_distribution<long>(lo.count(), hi.count())(rng));
}

std::string zone_name(int i) {
    return fmt::format("z{:03}.soak.", i);
}

/// One fault: what, how long down, how long the system runs before it.
struct Fault {
    std::string kind; ///< "dmsd", "named", "postgresql", or a slave's name
    milliseconds gap{0};
    milliseconds down{0};
    bool immediate = false; ///< postgresql: -m immediate instead of fast
};

class Soak {
public:
    Soak(const Options& o, std::ostream& out) : m_o(o), m_log(out), m_dms(deployment(o)) {}

    Result run();

private:
    static DeploymentOptions deployment(const Options& o) {
        DeploymentOptions d;
        d.slaves = o.slaves;
        d.log_level = o.log_level;
        return d;
    }
    bool setup();
    void client(int c);
    void chaos();
    Fault make_fault(std::mt19937_64& rng, const std::string& kind) const;
    void inject(const Fault& f);
    void heal(const Fault& f);
    bool converge(Clock::duration deadline, const std::string& what);
    void finish(bool failed);

    Options m_o;
    Log m_log;
    DmsDeployment m_dms;
    TempDir m_work;
    Result m_result;
    std::vector<ZoneHistory> m_history;
    std::vector<ZoneContent> m_current;
    std::atomic<int> m_clients_running{0};
    std::mutex m_mutex; ///< m_result's counters and problems during the stream
    CheckResult m_last_check;
};

bool Soak::setup() {
    m_log.line(
        fmt::format("starting PostgreSQL, the master named, {} slave(s) and dmsd", m_o.slaves));
    if (auto r = m_dms.start(); !r) {
        m_result.problems.push_back(std::string("setup: ") + r.message());
        return false;
    }
    auto rng = rng_for(m_o.seed, 0);
    // load_zones takes each zone's name from its file's name.
    std::vector<std::string> args{"load_zones", "-f"};
    std::filesystem::create_directories(m_work.path() / "initial");
    for (int i = 0; i < m_o.zones; ++i) {
        const auto zone = zone_name(i);
        m_current.push_back(ZoneContent::initial(zone, rng));
        args.push_back(
            m_work.write("initial/" + zone.substr(0, zone.size() - 1), m_current.back().text()));
        ZoneHistory h;
        h.zone = zone;
        h.owner = i % m_o.clients;
        h.versions.push_back(
            {0, -1, m_current.back().expected(), false, 0, wall_clock(), "", 1, ""});
        m_history.push_back(std::move(h));
    }
    m_log.line(fmt::format("load_zones of {} zones", m_o.zones));
    const auto r = m_dms.zone_tool(args, 300s);
    if (!r.ok()) {
        m_result.problems.push_back(
            "setup: load_zones: " + describe_failure({"zone_tool", "load_zones"}, r) + "\n" +
            r.err + r.out);
        return false;
    }
    for (auto& h : m_history) {
        h.versions[0].saved = true;
        h.versions[0].finished = wall_clock();
    }
    if (!converge(setup_deadline, "the loaded zones")) {
        m_result.problems.insert(m_result.problems.begin(),
                                 "setup: the loaded zones did not converge");
        return false;
    }
    return true;
}

void Soak::client(int c) {
    auto rng = rng_for(m_o.seed, 1000 + static_cast<std::uint64_t>(c));
    std::vector<int> own;
    for (int i = c; i < m_o.zones; i += m_o.clients) {
        own.push_back(i);
    }
    const int quota = m_o.changes / m_o.clients + (c < m_o.changes % m_o.clients ? 1 : 0);
    for (int n = 0; n < quota && !own.empty(); ++n) {
        const int z = own[std::uniform_int_distribution<std::size_t>(0, own.size() - 1)(rng)];
        auto& history = m_history[static_cast<std::size_t>(z)];
        const auto next = m_current[static_cast<std::size_t>(z)].next(c, rng);
        const auto file = m_work.write(fmt::format("client{}-{}zone", c, next.zone()), next.text());
        Version v{next.version(), c, next.expected(), false, 0, wall_clock(), "", 0, ""};
        const auto start = Clock::now();
        while (true) {
            const auto r = m_dms.zone_tool({"load_zone_zi", file, next.zone()}, save_timeout);
            ++v.attempts;
            v.finished = wall_clock();
            if (r.ok()) {
                std::smatch m;
                if (std::regex_search(r.out, m, std::regex("saved ZI ([0-9]+)"))) {
                    v.zi = std::stoll(m[1].str());
                }
                v.saved = true;
                break;
            }
            v.last_error = describe_failure({"zone_tool", "load_zone_zi"}, r);
            {
                const std::lock_guard lock(m_mutex);
                ++m_result.refused;
            }
            if (v.attempts == 1) {
                m_log.line(fmt::format("client {}: {} v{} refused ({}); retrying", c, next.zone(),
                                       next.version(), v.last_error));
            }
            // Bad input or usage is the harness's bug or dms's, not a fault's: no retry.
            if (r.exit_code == 64 || r.exit_code == 65 || r.exit_code == 66) {
                const std::lock_guard lock(m_mutex);
                m_result.problems.push_back(fmt::format("client {}: {} v{} refused for good: {}", c,
                                                        next.zone(), next.version(), v.last_error));
                break;
            }
            if (Clock::now() - start > m_o.give_up_after) {
                const std::lock_guard lock(m_mutex);
                ++m_result.given_up;
                m_result.problems.push_back(fmt::format(
                    "client {}: {} v{} not accepted after {} attempts in {} s: {}", c, next.zone(),
                    next.version(), v.attempts, m_o.give_up_after.count(), v.last_error));
                break;
            }
            std::this_thread::sleep_for(retry_pause);
        }
        {
            const std::lock_guard lock(m_mutex);
            m_result.attempts += v.attempts;
            m_result.saves += v.saved ? 1 : 0;
        }
        if (v.saved) {
            m_current[static_cast<std::size_t>(z)] = next;
        }
        history.versions.push_back(std::move(v));
        std::this_thread::sleep_for(between(rng, 0ms, 2 * m_o.client_pause));
    }
    m_log.line(fmt::format("client {}: done ({} changes)", c, quota));
    --m_clients_running;
}

Fault Soak::make_fault(std::mt19937_64& rng, const std::string& kind) const {
    Fault f;
    f.kind = kind;
    f.gap = between(rng, m_o.gap_min, m_o.gap_max);
    f.down = between(rng, m_o.down_min, m_o.down_max);
    f.immediate = kind == "postgresql" && std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    return f;
}

void Soak::inject(const Fault& f) {
    std::string how;
    if (f.kind == "dmsd") {
        m_dms.kill_dmsd();
        how = "dmsd killed (SIGKILL)";
    } else if (f.kind == "named") {
        m_dms.master().stop();
        how = "master named stopped";
    } else if (f.kind == "postgresql") {
        m_dms.pg().stop(f.immediate ? PgServer::StopMode::immediate : PgServer::StopMode::fast);
        how = fmt::format("PostgreSQL stopped ({})", f.immediate ? "immediate" : "fast");
    } else {
        for (std::size_t i = 0; i < m_dms.slave_count(); ++i) {
            if (m_dms.slave(i).name() == f.kind) {
                m_dms.slave(i).stop();
            }
        }
        how = f.kind + " stopped (named and rsyncd)";
    }
    m_log.line(
        fmt::format("fault: {} for {:.1f} s", how, std::chrono::duration<double>(f.down).count()));
    const std::lock_guard lock(m_mutex);
    ++m_result.faults[f.kind == "postgresql"
                          ? (f.immediate ? "postgresql (immediate)" : "postgresql (fast)")
                          : f.kind];
}

void Soak::heal(const Fault& f) {
    // Whatever does not come back at once is tried again: a start that fails is the
    // soak's finding, but the rest of the run still needs the component.
    for (int attempt = 1;; ++attempt) {
        ::testing::AssertionResult r = ::testing::AssertionSuccess();
        if (f.kind == "dmsd") {
            r = m_dms.start_dmsd();
        } else if (f.kind == "named") {
            r = m_dms.master().restart();
        } else if (f.kind == "postgresql") {
            r = m_dms.pg().start();
        } else {
            for (std::size_t i = 0; i < m_dms.slave_count(); ++i) {
                if (m_dms.slave(i).name() == f.kind) {
                    r = m_dms.slave(i).start();
                }
            }
        }
        if (r) {
            m_log.line(f.kind + " started again");
            return;
        }
        m_log.line(fmt::format("{} did not start (attempt {}): {}", f.kind, attempt, r.message()));
        if (attempt == 5) {
            const std::lock_guard lock(m_mutex);
            m_result.problems.push_back(f.kind + " could not be started again: " + r.message());
            return;
        }
        std::this_thread::sleep_for(2s);
    }
}

void Soak::chaos() {
    auto rng = rng_for(m_o.seed, 1);
    std::vector<std::string> kinds{"dmsd", "named", "postgresql"};
    for (std::size_t i = 0; i < m_dms.slave_count(); ++i) {
        kinds.push_back(m_dms.slave(i).name());
    }
    if (!m_o.kinds.empty()) {
        kinds = m_o.kinds;
    }
    // Every kind min_faults_per_kind times, in random order; then random kinds while
    // the clients still save.
    std::vector<std::string> order;
    for (int n = 0; n < m_o.min_faults_per_kind; ++n) {
        order.insert(order.end(), kinds.begin(), kinds.end());
    }
    std::shuffle(order.begin(), order.end(), rng);
    std::map<std::string, int> count;
    for (std::size_t i = 0;; ++i) {
        std::string kind;
        if (i < order.size()) {
            kind = order[i];
        } else {
            std::vector<std::string> open;
            for (const auto& k : kinds) {
                if (count[k] < m_o.max_faults_per_kind) {
                    open.push_back(k);
                }
            }
            if (open.empty() || m_clients_running == 0) {
                break;
            }
            kind = open[std::uniform_int_distribution<std::size_t>(0, open.size() - 1)(rng)];
        }
        const auto f = make_fault(rng, kind);
        const auto until = Clock::now() + f.gap;
        while (Clock::now() < until && (i < order.size() || m_clients_running > 0)) {
            std::this_thread::sleep_for(50ms);
        }
        if (i >= order.size() && m_clients_running == 0) {
            break;
        }
        ++count[kind];
        inject(f);
        std::this_thread::sleep_for(f.down);
        heal(f);
    }
    m_log.line("chaos: done");
}

bool Soak::converge(Clock::duration deadline, const std::string& what) {
    const auto start = Clock::now();
    auto next_note = start + 15s;
    auto last_change = start;
    while (true) {
        auto previous = std::move(m_last_check.problems);
        m_last_check = check(m_dms, m_history, m_o.stuck_after);
        if (m_last_check.ok()) {
            return true;
        }
        if (m_last_check.problems != previous) {
            last_change = Clock::now();
        }
        const bool stalled =
            m_o.stall_after.count() > 0 && Clock::now() - last_change > m_o.stall_after;
        if (Clock::now() - start > deadline || stalled) {
            m_log.line(fmt::format(
                "{}: not converged after {:.0f} s{}: {}", what,
                std::chrono::duration<double>(Clock::now() - start).count(),
                stalled ? fmt::format(" (nothing changed for {} s)", m_o.stall_after.count()) : "",
                m_last_check.summary));
            m_result.problems.insert(m_result.problems.end(), m_last_check.problems.begin(),
                                     m_last_check.problems.end());
            m_result.report = diagnose(m_dms, m_history, m_last_check);
            return false;
        }
        if (Clock::now() >= next_note) {
            m_log.line(fmt::format("{}: waiting: {}", what, m_last_check.summary));
            next_note = Clock::now() + 15s;
        }
        std::this_thread::sleep_for(poll_pause);
    }
}

void Soak::finish(bool failed) {
    if (failed && !m_o.keep_logs_dir.empty()) {
        m_dms.save_logs(m_o.keep_logs_dir);
        m_log.line("logs kept in " + m_o.keep_logs_dir.string());
    }
}

Result Soak::run() {
    m_log.line(fmt::format("soak: seed {}, {} zones, {} changes, {} clients, {} slaves", m_o.seed,
                           m_o.zones, m_o.changes, m_o.clients, m_o.slaves));
    if (!setup()) {
        finish(true);
        return m_result;
    }
    m_result.setup_ok = true;
    m_log.line("all zones served everywhere; the stream and the chaos begin");
    const auto t0 = Clock::now();
    m_clients_running = m_o.clients;
    std::vector<std::thread> threads;
    for (int c = 0; c < m_o.clients; ++c) {
        threads.emplace_back([this, c] { client(c); });
    }
    std::thread chaos_thread([this] { chaos(); });
    for (auto& t : threads) {
        t.join();
    }
    chaos_thread.join();
    const auto t1 = Clock::now();
    m_result.stream_seconds = std::chrono::duration<double>(t1 - t0).count();
    m_log.line(fmt::format("stream and chaos over after {:.1f} s: {} saves ({} attempts, {} "
                           "refused); waiting for convergence",
                           m_result.stream_seconds, m_result.saves, m_result.attempts,
                           m_result.refused));
    m_result.converged = converge(m_o.converge_deadline, "convergence");
    if (m_result.converged) {
        m_result.converge_seconds = std::chrono::duration<double>(Clock::now() - t1).count();
        m_log.line(fmt::format("converged {:.1f} s after the stream and the chaos ended",
                               m_result.converge_seconds));
    }
    finish(!m_result.ok());
    return m_result;
}

} // namespace

Result run(const Options& options, std::ostream& log) {
    Soak soak(options, log);
    return soak.run();
}

std::uint64_t random_seed() {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
           static_cast<std::uint64_t>(Clock::now().time_since_epoch().count()) ^
           static_cast<std::uint64_t>(::getpid());
}

} // namespace dms::test::soak
