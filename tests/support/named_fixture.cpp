// SPDX-License-Identifier: GPL-3.0-or-later
#include "named_fixture.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "dms/core/dns_client.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto ready_timeout = 15s;
constexpr auto poll_interval = 50ms;
constexpr auto stop_grace = 10s;

/// A file descriptor closed on scope exit.
struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

bool bind_loopback(int fd, int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    return ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

} // namespace

const std::string& installed_program(const std::string& name) {
    static std::mutex mutex;
    static std::map<std::string, std::string, std::less<>> found;
    const std::lock_guard lock(mutex);
    auto it = found.find(name);
    if (it == found.end()) {
        it = found.emplace(name, find_program(name)).first;
    }
    return it->second;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string find_program(const std::string& name) {
    std::vector<std::string> dirs;
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        std::stringstream in(path);
        for (std::string d; std::getline(in, d, ':');) {
            dirs.push_back(d.empty() ? "." : d);
        }
    }
    dirs.insert(dirs.end(), {"/usr/sbin", "/usr/local/sbin", "/sbin"});
    for (const auto& d : dirs) {
        const auto p = std::filesystem::path(d) / name;
        std::error_code ec;
        if (std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0) {
            return p.string();
        }
    }
    return {};
}

std::string named_missing() {
    std::string missing;
    for (const char* p : {"named", "rndc", "named-checkconf"}) {
        if (installed_program(p).empty()) {
            missing += missing.empty() ? p : std::string(", ") + p;
        }
    }
    return missing.empty() ? "" : "BIND 9 is not installed (not found: " + missing + ")";
}

int free_port() {
    for (int attempt = 0; attempt < 100; ++attempt) {
        const Fd tcp(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (tcp.fd < 0 || !bind_loopback(tcp.fd, 0)) {
            throw std::runtime_error(std::string("free_port: cannot bind: ") +
                                     std::strerror(errno));
        }
        sockaddr_in a{};
        socklen_t len = sizeof a;
        ::getsockname(tcp.fd, reinterpret_cast<sockaddr*>(&a), &len);
        const int port = ntohs(a.sin_port);
        const Fd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (udp.fd >= 0 && bind_loopback(udp.fd, port)) {
            return port;
        }
    }
    throw std::runtime_error("free_port: no port free for both TCP and UDP");
}

NamedFixture::NamedFixture() : m_port(free_port()) {
    do {
        m_rndc_port = free_port();
    } while (m_rndc_port == m_port);
    const auto rndc_key = dns::generate_tsig_key_text("rndc-key", "hmac-sha256");
    const auto owner_only =
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
    std::filesystem::permissions(m_dir.write("rndc.key", rndc_key), owner_only);
    std::filesystem::permissions(
        m_dir.write("rndc.conf", rndc_key +
                                     "options {\n\tdefault-key \"rndc-key\";\n"
                                     "\tdefault-server 127.0.0.1;\n\tdefault-port " +
                                     std::to_string(m_rndc_port) + ";\n};\n"),
        owner_only);
    m_update_key_path =
        m_dir.write("update-ddns.key", dns::generate_tsig_key_text("update-ddns", "hmac-sha256"));
    std::filesystem::permissions(m_update_key_path, owner_only);
    m_update_key = dns::read_tsig_key_file(m_update_key_path);
}

NamedFixture::~NamedFixture() {
    stop();
    if (::testing::Test::HasFailure()) {
        std::cerr << "named log (" << (dir() / "named.log").string() << "), last lines:\n"
                  << log_tail() << '\n';
    }
}

std::string NamedFixture::write(const std::string& name, const std::string& content) const {
    return m_dir.write(name, content);
}

std::string NamedFixture::conf_path() const {
    return (dir() / "named.conf").string();
}

std::string NamedFixture::log() const {
    return read_text(dir() / "named.log");
}

std::string NamedFixture::log_tail(std::size_t lines) const {
    return file_tail(dir() / "named.log", lines);
}

std::string file_tail(const std::filesystem::path& path, std::size_t lines) {
    const auto text = read_text(path);
    std::size_t pos = text.size();
    for (std::size_t n = 0; pos > 0 && n <= lines; ++n) {
        pos = text.rfind('\n', pos - 1);
        if (pos == std::string::npos) {
            return text;
        }
    }
    return text.substr(pos + 1);
}

std::string NamedFixture::config_text() const {
    const auto d = dir().string();
    std::ostringstream c;
    c << "// Generated by NamedFixture for one test.\n"
      << "include \"" << d << "/rndc.key\";\n";
    if (m_options.update_key) {
        c << "include \"" << m_update_key_path << "\";\n";
    }
    c << "controls {\n\tinet 127.0.0.1 port " << m_rndc_port
      << " allow { 127.0.0.1; } keys { \"rndc-key\"; };\n};\n"
      << "options {\n"
      << "\tdirectory \"" << d << "\";\n"
      << "\tlisten-on port " << m_port << " { 127.0.0.1; };\n"
      << "\tlisten-on-v6 { none; };\n"
      << "\tpid-file \"" << d << "/named.pid\";\n"
      << "\tsession-keyfile \"" << d << "/session.key\";\n"
      << "\tmanaged-keys-directory \"" << d << "\";\n"
      << "\tdump-file \"" << d << "/named_dump.db\";\n"
      << "\tstatistics-file \"" << d << "/named.stats\";\n"
      << "\trecursion no;\n"
      << "\tnotify no;\n"
      << "\tallow-transfer { any; };\n"
      << "\tdnssec-validation no;\n"
      << "};\n"
      << m_options.extra_config << '\n';
    return c.str();
}

::testing::AssertionResult NamedFixture::start(const NamedOptions& options) {
    if (running()) {
        return ::testing::AssertionFailure()
               << "named is already running (pid " << m_process.pid() << ")";
    }
    m_options = options;
    write("named.conf", config_text());
    const std::vector<std::string> check{installed_program("named-checkconf"), conf_path()};
    if (const auto r = run_process(check); !r.ok()) {
        return ::testing::AssertionFailure() << "named-checkconf refuses " << conf_path() << ":\n"
                                             << r.out << r.err << "\nconfig:\n"
                                             << read_text(conf_path());
    }
    if (auto r = spawn(); !r) {
        return r;
    }
    return wait_ready();
}

::testing::AssertionResult NamedFixture::restart() {
    stop();
    const NamedOptions options = m_options;
    return start(options);
}

::testing::AssertionResult NamedFixture::spawn() {
    // -g: foreground, log to stderr. No -u: as root named would switch to that user,
    // and the temp dir is ours.
    const std::vector<std::string> args{
        installed_program("named"), "-g", "-4", "-c", conf_path(), "-p", std::to_string(m_port)};
    if (const auto why = m_process.start(args, (dir() / "named.log").string()); !why.empty()) {
        return ::testing::AssertionFailure() << why;
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult NamedFixture::wait_ready() {
    const auto deadline = Clock::now() + ready_timeout;
    bool dns_up = false;
    std::size_t zones_up = 0;
    std::string last = "no answer yet";
    while (Clock::now() < deadline) {
        if (!running()) {
            return failure("named exited while starting (" + m_process.exit_text() + ")");
        }
        if (!dns_up) {
            // Any reply (REFUSED for the root zone) means the DNS port is open.
            const auto r = dns::query_soa(server(), ".", 500ms);
            dns_up = r.status == dns::Status::answered;
            last = r.error;
        }
        while (dns_up && zones_up < m_options.wait_zones.size()) {
            const auto& zone = m_options.wait_zones[zones_up];
            const auto r = dns::query_soa(server(), zone, 500ms);
            // A zone named could not load answers SERVFAIL for good: fail now, not in 15 s.
            if (r.status == dns::Status::answered && r.rcode == 2 &&
                log().find("not loaded due to errors") != std::string::npos) {
                return failure("zone " + zone + " did not load");
            }
            if (r.status != dns::Status::answered || r.rcode != 0 || !r.authoritative) {
                last = "zone " + zone +
                       " not served yet: " + (r.error.empty() ? "no AA bit" : r.error);
                break;
            }
            ++zones_up;
        }
        if (dns_up && zones_up == m_options.wait_zones.size()) {
            const std::vector<std::string> argv{installed_program("rndc"), "status"};
            const auto r = rndc({"status"});
            if (r.ok()) {
                return ::testing::AssertionSuccess();
            }
            last = describe_failure(argv, r);
        }
        std::this_thread::sleep_for(poll_interval);
    }
    return failure("named not ready within 15 s: " + last);
}

::testing::AssertionResult NamedFixture::failure(const std::string& what) {
    stop();
    return ::testing::AssertionFailure()
           << what << "\nnamed log (" << (dir() / "named.log").string() << "):\n"
           << log_tail();
}

bool NamedFixture::running() {
    return m_process.running();
}

void NamedFixture::stop() {
    m_process.stop(stop_grace);
}

ProcessResult NamedFixture::rndc(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{installed_program("rndc"), "-c", (dir() / "rndc.conf").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.timeout = 15s;
    return run_process(argv, options);
}

} // namespace dms::test
