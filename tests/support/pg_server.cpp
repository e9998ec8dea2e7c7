// SPDX-License-Identifier: GPL-3.0-or-later
#include "pg_server.hpp"

#include <pwd.h>
#include <regex>
#include <stdexcept>
#include <unistd.h>
#include <vector>

#include "dms/core/process.hpp"

#include "named_fixture.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;

/// The newest /usr/lib/postgresql/N/bin holding initdb and pg_ctl ("" if none).
const std::string& pg_bin_dir() {
    static const std::string found = [] {
        std::string best;
        int best_version = -1;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
            const auto name = entry.path().filename().string();
            const auto bin = entry.path() / "bin";
            if (std::regex_match(name, std::regex("[0-9]+")) &&
                std::filesystem::exists(bin / "initdb", ec) &&
                std::filesystem::exists(bin / "pg_ctl", ec) && std::stoi(name) > best_version) {
                best_version = std::stoi(name);
                best = bin.string();
            }
        }
        return best;
    }();
    return found;
}

/// initdb and postgres refuse root: as root, run them as the user postgres.
std::vector<std::string> as_owner(std::vector<std::string> argv) {
    if (::geteuid() == 0) {
        argv.insert(argv.begin(), {installed_program("runuser"), "-u", "postgres", "--"});
    }
    return argv;
}

void give_to_owner(const std::filesystem::path& path) {
    if (::geteuid() != 0) {
        return;
    }
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr || ::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("cannot give " + path.string() + " to the user postgres");
    }
}

RunOptions with_timeout(std::chrono::milliseconds t) {
    RunOptions o;
    o.timeout = t;
    return o;
}

} // namespace

std::string pg_server_missing() {
    if (pg_bin_dir().empty()) {
        return "PostgreSQL server binaries not found (/usr/lib/postgresql/N/bin/initdb)";
    }
    if (::geteuid() == 0 &&
        (::getpwnam("postgres") == nullptr || installed_program("runuser").empty())) {
        return "as root, initdb needs the user postgres and runuser";
    }
    return {};
}

PgServer::PgServer() : m_bin(pg_bin_dir()), m_port(free_port()) {
    // The server runs as postgres: it must reach its directory through ours.
    using std::filesystem::perms;
    std::filesystem::permissions(dir(), perms::owner_all | perms::group_read | perms::group_exec |
                                            perms::others_read | perms::others_exec);
    std::filesystem::create_directories(dir() / "pg" / "run");
    give_to_owner(dir() / "pg");
    give_to_owner(dir() / "pg" / "run");
}

PgServer::~PgServer() {
    stop();
}

std::string PgServer::conninfo(const std::string& dbname) const {
    return "host=" + host() + " port=" + std::to_string(m_port) + " user=" + user() +
           " dbname=" + dbname + " connect_timeout=5";
}

std::string PgServer::log_tail(std::size_t lines) const {
    return file_tail(log_path(), lines);
}

::testing::AssertionResult PgServer::initdb() {
    const auto argv =
        as_owner({m_bin + "/initdb", "-D", (dir() / "pg" / "data").string(), "-U", user(), "-E",
                  "UTF8", "--no-locale", "--auth-local=trust", "--auth-host=trust"});
    if (const auto r = run_process(argv, with_timeout(120s)); !r.ok()) {
        return ::testing::AssertionFailure() << describe_failure(argv, r) << "\n" << r.out << r.err;
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult PgServer::start() {
    if (const auto why = pg_server_missing(); !why.empty()) {
        return ::testing::AssertionFailure() << why;
    }
    if (!std::filesystem::exists(dir() / "pg" / "data" / "PG_VERSION")) {
        if (auto r = initdb(); !r) {
            return r;
        }
    }
    if (running()) {
        return ::testing::AssertionSuccess();
    }
    // pg_ctl hands -o to the server's command line; our paths hold no spaces.
    // fsync off: the machine does not crash in a test, only the server (pg_ctl -m
    // immediate, kill -9), and what was written to the kernel survives that. But
    // synchronous_commit stays on: off, a commit is acknowledged before its WAL is
    // written at all, and a crash right after loses a save zone_tool reported done (the
    // fault soak caught that: a last save gone after an immediate stop).
    const auto options = "-p " + std::to_string(m_port) + " -k " + (dir() / "pg" / "run").string() +
                         " -c listen_addresses=127.0.0.1 -c max_connections=100"
                         " -c fsync=off -c full_page_writes=off";
    const auto argv = as_owner({m_bin + "/pg_ctl", "-D", (dir() / "pg" / "data").string(), "-l",
                                log_path().string(), "-w", "-t", "60", "-o", options, "start"});
    if (const auto r = run_process(argv, with_timeout(90s)); !r.ok()) {
        return ::testing::AssertionFailure() << describe_failure(argv, r) << "\nserver log:\n"
                                             << log_tail();
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult PgServer::start_as_standby_of(const PgServer& primary) {
    if (const auto why = pg_server_missing(); !why.empty()) {
        return ::testing::AssertionFailure() << why;
    }
    const auto data = dir() / "pg" / "data";
    if (!std::filesystem::exists(data / "PG_VERSION")) {
        const auto argv = as_owner({m_bin + "/pg_basebackup", "-h", primary.host(), "-p",
                                    std::to_string(primary.port()), "-U", primary.user(), "-D",
                                    data.string(), "-X", "stream", "-R", "-c", "fast"});
        if (const auto r = run_process(argv, with_timeout(120s)); !r.ok()) {
            return ::testing::AssertionFailure() << describe_failure(argv, r) << "\n"
                                                 << r.out << r.err;
        }
    }
    return start();
}

::testing::AssertionResult PgServer::promote() {
    const auto argv = as_owner(
        {m_bin + "/pg_ctl", "-D", (dir() / "pg" / "data").string(), "-w", "-t", "60", "promote"});
    if (const auto r = run_process(argv, with_timeout(90s)); !r.ok()) {
        return ::testing::AssertionFailure() << describe_failure(argv, r) << "\nserver log:\n"
                                             << log_tail();
    }
    return ::testing::AssertionSuccess();
}

void PgServer::stop(StopMode mode) {
    if (!running()) {
        return;
    }
    const auto argv =
        as_owner({m_bin + "/pg_ctl", "-D", (dir() / "pg" / "data").string(), "-m",
                  mode == StopMode::fast ? "fast" : "immediate", "-w", "-t", "60", "stop"});
    run_process(argv, with_timeout(90s));
}

bool PgServer::running() const {
    if (m_bin.empty() || !std::filesystem::exists(dir() / "pg" / "data" / "PG_VERSION")) {
        return false;
    }
    const auto argv =
        as_owner({m_bin + "/pg_ctl", "-D", (dir() / "pg" / "data").string(), "status"});
    return run_process(argv, with_timeout(30s)).ok();
}

} // namespace dms::test
