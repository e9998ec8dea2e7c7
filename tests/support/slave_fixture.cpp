// SPDX-License-Identifier: GPL-3.0-or-later
#include "slave_fixture.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <fstream>
#include <ifaddrs.h>
#include <iostream>
#include <netinet/in.h>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "named_fixture.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto ready_timeout = 15s;
constexpr auto poll_interval = 50ms;
constexpr auto stop_grace = 10s;
constexpr auto tool_timeout = 15s;

/// Write `content` to `path` through a temp file and rename, mode 0600 (secrets).
void write_private(const std::filesystem::path& path, const std::string& content) {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out) {
            throw std::runtime_error("cannot write " + tmp);
        }
    }
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_read |
                                          std::filesystem::perms::owner_write);
    std::filesystem::rename(tmp, path);
}

/// 24 random hex digits: a password with nothing rsync's secrets format could trip on.
std::string random_password() {
    std::ifstream in("/dev/urandom", std::ios::binary);
    unsigned char bytes[12];
    in.read(reinterpret_cast<char*>(bytes), sizeof bytes);
    if (!in) {
        throw std::runtime_error("cannot read /dev/urandom");
    }
    std::string out;
    for (const unsigned char b : bytes) {
        out += fmt::format("{:02x}", b);
    }
    return out;
}

/// Lower case, no trailing dot: the form dms writes in zone stanzas and file names.
std::string plain_zone(std::string zone) {
    if (!zone.empty() && zone.back() == '.') {
        zone.pop_back();
    }
    std::transform(zone.begin(), zone.end(), zone.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return zone;
}

RunOptions with_timeout() {
    RunOptions o;
    o.timeout = tool_timeout;
    return o;
}

} // namespace

bool address_configured(const std::string& address) {
    in_addr want{};
    if (::inet_pton(AF_INET, address.c_str(), &want) != 1) {
        return false;
    }
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        return false;
    }
    bool found = false;
    for (const ifaddrs* a = list; a != nullptr && !found; a = a->ifa_next) {
        if (a->ifa_addr != nullptr && a->ifa_addr->sa_family == AF_INET) {
            found =
                reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr == want.s_addr;
        }
    }
    ::freeifaddrs(list);
    return found;
}

std::string slave_missing() {
    if (auto why = named_missing(); !why.empty()) {
        return why;
    }
    return installed_program("rsync").empty() ? "rsync is not installed" : "";
}

SlaveServer::SlaveServer(SlaveOptions options) : m_options(std::move(options)) {
    // Distinct free ports for whatever the caller left at 0.
    std::set<int> taken{m_options.dns_port, m_options.rndc_port, m_options.rsync_port};
    for (int* port : {&m_options.dns_port, &m_options.rndc_port, &m_options.rsync_port}) {
        while (*port == 0) {
            const int p = free_port();
            if (taken.insert(p).second) {
                *port = p;
            }
        }
    }
    if (m_options.remote_key_path.empty()) {
        m_options.remote_key_path = (dir() / "remote-key.key").string();
        write_private(m_options.remote_key_path,
                      dns::generate_tsig_key_text("remote-key", "hmac-sha256"));
    }
    m_key_name = dns::read_tsig_key_file(m_options.remote_key_path).name;
    write_private(dir() / "rndc.conf",
                  fmt::format("include \"{}\";\noptions {{\n\tdefault-key \"{}\";\n"
                              "\tdefault-server {};\n\tdefault-port {};\n}};\n",
                              m_options.remote_key_path, m_key_name, address(), rndc_port()));
    m_password = random_password();
    write_private(dir() / "rsyncd.secrets", "dnsconf:" + m_password + "\n");
    write_password_file(password_file());
    m_dir.write("rsyncd.conf", rsyncd_conf_text());
    std::filesystem::create_directories(config_dir());
    std::filesystem::create_directories(dir() / "slave");
    m_dir.write("rsync-config/bind9.conf", "");
}

SlaveServer::~SlaveServer() {
    stop();
    if (m_added_address) {
        run_process({installed_program("ip"), "addr", "del", address() + "/32", "dev", "lo"},
                    with_timeout());
    }
    if (::testing::Test::HasFailure()) {
        std::cerr << "slave " << name() << " named log (" << (dir() / "named.log").string()
                  << "), last lines:\n"
                  << named_log_tail() << "\nrsyncd log, last lines:\n"
                  << rsyncd_log_tail() << '\n';
    }
}

std::string SlaveServer::rsyncd_conf_text() const {
    const auto d = dir().string();
    return fmt::format("# Generated by SlaveServer: the rsync daemon of slave {0}.\n"
                       "pid file = {1}/rsyncd.pid\n"
                       "log file = {1}/rsyncd.log\n"
                       "[dnsconf]\n"
                       "\tpath = {1}/rsync-config\n"
                       "\tread only = no\n"
                       "\tauth users = dnsconf\n"
                       "\tsecrets file = {1}/rsyncd.secrets\n"
                       "\tuse chroot = no\n"
                       "\tuid = root\n"
                       "\tgid = root\n"
                       "\thosts allow = 127.0.0.0/8\n",
                       name(), d);
}

std::string SlaveServer::named_conf_text() const {
    const auto d = dir().string();
    // transfer-source: transfers come from the slave's own address, which is what a
    // master's allow-transfer ACL (the SG's server addresses) names.
    return fmt::format("// Generated by SlaveServer: the slave named of {0}.\n"
                       "options {{\n"
                       "\tdirectory \"{1}\";\n"
                       "\tpid-file \"{1}/named.pid\";\n"
                       "\tlisten-on port {2} {{ {3}; }};\n"
                       "\tlisten-on-v6 {{ none; }};\n"
                       "\ttransfer-source {3};\n"
                       "\trecursion no;\n"
                       "\tnotify no;\n"
                       "\tdnssec-validation no;\n"
                       "\tallow-transfer {{ {7}; }};\n"
                       "\tsession-keyfile \"{1}/session.key\";\n"
                       "\tmanaged-keys-directory \"{1}\";\n"
                       "\tdump-file \"{1}/named_dump.db\";\n"
                       "\tstatistics-file \"{1}/named.stats\";\n"
                       "}};\n"
                       "include \"{4}\";\n"
                       "controls {{\n"
                       "\tinet {3} port {5} allow {{ 127.0.0.0/8; }} keys {{ \"{6}\"; }};\n"
                       "}};\n"
                       "include \"{1}/rsync-config/bind9.conf\";\n",
                       name(), d, dns_port(), address(), remote_key_path(), rndc_port(), m_key_name,
                       m_options.allow_transfer);
}

::testing::AssertionResult SlaveServer::ensure_address() {
    if (address_configured(address())) {
        return ::testing::AssertionSuccess();
    }
    if (::geteuid() != 0 || installed_program("ip").empty()) {
        return ::testing::AssertionFailure()
               << address() << " is not on an interface, and only root can add it (with ip)";
    }
    const std::vector<std::string> argv{installed_program("ip"), "addr", "add",
                                        address() + "/32",       "dev",  "lo"};
    if (const auto r = run_process(argv, with_timeout()); !r.ok()) {
        return ::testing::AssertionFailure() << describe_failure(argv, r);
    }
    m_added_address = true;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult SlaveServer::start() {
    if (!rsyncd_running()) {
        if (auto r = start_rsyncd(); !r) {
            return r;
        }
    }
    if (!named_running()) {
        return start_named();
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult SlaveServer::restart() {
    stop();
    return start();
}

void SlaveServer::stop() {
    stop_named();
    stop_rsyncd();
}

::testing::AssertionResult SlaveServer::start_rsyncd() {
    if (rsyncd_running()) {
        return ::testing::AssertionFailure()
               << "rsyncd of " << name() << " is already running (pid " << m_rsyncd.pid() << ")";
    }
    if (auto r = ensure_address(); !r) {
        return r;
    }
    const std::vector<std::string> args{installed_program("rsync"),
                                        "--daemon",
                                        "--no-detach",
                                        "--config=" + (dir() / "rsyncd.conf").string(),
                                        "--port=" + std::to_string(rsync_port()),
                                        "--address=" + address()};
    if (const auto why = m_rsyncd.start(args, (dir() / "rsyncd.out").string()); !why.empty()) {
        return ::testing::AssertionFailure() << why;
    }
    // Ready when it lists its modules (no password needed for the list).
    const std::vector<std::string> list{installed_program("rsync"), "--contimeout=2",
                                        fmt::format("rsync://{}:{}/", address(), rsync_port())};
    RunOptions o;
    o.timeout = 5s;
    std::string last = "no answer yet";
    const auto deadline = Clock::now() + ready_timeout;
    while (Clock::now() < deadline) {
        if (!rsyncd_running()) {
            return failure(m_rsyncd, "rsyncd exited while starting (" + m_rsyncd.exit_text() + ")",
                           file_tail(dir() / "rsyncd.out") + rsyncd_log_tail());
        }
        const auto r = run_process(list, o);
        if (r.ok() && r.out.find("dnsconf") != std::string::npos) {
            return ::testing::AssertionSuccess();
        }
        last = r.ok() ? "module dnsconf not listed" : describe_failure(list, r);
        std::this_thread::sleep_for(poll_interval);
    }
    return failure(m_rsyncd, "rsyncd not ready within 15 s: " + last, rsyncd_log_tail());
}

::testing::AssertionResult SlaveServer::start_named() {
    if (named_running()) {
        return ::testing::AssertionFailure()
               << "named of " << name() << " is already running (pid " << m_named.pid() << ")";
    }
    if (auto r = ensure_address(); !r) {
        return r;
    }
    const auto conf = m_dir.write("named.conf", named_conf_text());
    const std::vector<std::string> check{installed_program("named-checkconf"), conf};
    if (const auto r = run_process(check, with_timeout()); !r.ok()) {
        return ::testing::AssertionFailure() << "named-checkconf refuses " << conf << ":\n"
                                             << r.out << r.err << "\nconfig:\n"
                                             << read_text(conf) << "\nbind9.conf:\n"
                                             << read_text(config_dir() / "bind9.conf");
    }
    // -g: foreground, log to stderr; no -u (see NamedFixture).
    const std::vector<std::string> args{installed_program("named"), "-g", "-4", "-c", conf};
    if (const auto why = m_named.start(args, (dir() / "named.log").string()); !why.empty()) {
        return ::testing::AssertionFailure() << why;
    }
    const auto deadline = Clock::now() + ready_timeout;
    std::string last = "no answer yet";
    bool dns_up = false;
    while (Clock::now() < deadline) {
        if (!named_running()) {
            return failure(m_named, "named exited while starting (" + m_named.exit_text() + ")",
                           named_log_tail());
        }
        if (!dns_up) {
            // Any reply (REFUSED for the root zone) means the DNS port is open.
            const auto r = dns::query_soa(server(), ".", 500ms);
            dns_up = r.status == dns::Status::answered;
            last = r.error;
        }
        if (dns_up) {
            const auto r = rndc({"status"});
            if (r.ok()) {
                return ::testing::AssertionSuccess();
            }
            last = describe_failure({installed_program("rndc"), "status"}, r);
        }
        std::this_thread::sleep_for(poll_interval);
    }
    return failure(m_named, "named not ready within 15 s: " + last, named_log_tail());
}

::testing::AssertionResult SlaveServer::failure(ChildProcess& process, const std::string& what,
                                                const std::string& log_tail) {
    process.stop(stop_grace);
    return ::testing::AssertionFailure() << "slave " << name() << ": " << what << "\nlog:\n"
                                         << log_tail;
}

void SlaveServer::stop_named() {
    m_named.stop(stop_grace);
}

void SlaveServer::stop_rsyncd() {
    m_rsyncd.stop(stop_grace);
}

void SlaveServer::kill_named() {
    m_named.kill();
}

bool SlaveServer::named_running() {
    return m_named.running();
}

bool SlaveServer::rsyncd_running() {
    return m_rsyncd.running();
}

void SlaveServer::set_password(const std::string& password) {
    m_password = password;
    write_private(dir() / "rsyncd.secrets", "dnsconf:" + m_password + "\n");
}

void SlaveServer::write_password_file(const std::string& path) const {
    write_private(path, m_password + "\n");
}

std::string SlaveServer::password_file() const {
    return (dir() / "rsync-password").string();
}

std::string SlaveServer::rsync_url() const {
    return fmt::format("rsync://dnsconf@{}:{}/dnsconf/", address(), rsync_port());
}

ProcessResult SlaveServer::rndc(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{installed_program("rndc"), "-c", (dir() / "rndc.conf").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, with_timeout());
}

std::string SlaveServer::rndc_server_stanza() const {
    return fmt::format("server {} {{\n\taddresses {{ {} port {}; }};\n\tkey \"{}\";\n}};\n", name(),
                       address(), rndc_port(), m_key_name);
}

dns::SoaReply SlaveServer::soa(const std::string& zone, dns::Millis timeout) const {
    return dns::query_soa(server(), zone, timeout);
}

std::optional<std::uint32_t> SlaveServer::serial(const std::string& zone) const {
    const auto r = soa(zone);
    if (r.status != dns::Status::answered || r.rcode != 0 || !r.authoritative) {
        return std::nullopt;
    }
    return r.serial;
}

bool SlaveServer::wait_serial(const std::string& zone, std::optional<std::uint32_t> want,
                              std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        const auto got = serial(zone);
        if (got && (!want || *got == *want)) {
            return true;
        }
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(poll_interval);
    }
}

bool SlaveServer::has_config_file(const std::string& file) const {
    std::error_code ec;
    return std::filesystem::exists(config_dir() / file, ec);
}

std::vector<std::string> SlaveServer::listed_zones() const {
    static const std::regex stanza(R"re(\bzone\s+"([^"]+)")re");
    const auto text = read_text(config_dir() / "bind9.conf");
    std::vector<std::string> zones;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), stanza);
         it != std::sregex_iterator(); ++it) {
        zones.push_back((*it)[1].str());
    }
    return zones;
}

bool SlaveServer::lists_zone(const std::string& zone) const {
    const auto want = plain_zone(zone);
    const auto zones = listed_zones();
    return std::any_of(zones.begin(), zones.end(),
                       [&](const std::string& z) { return plain_zone(z) == want; });
}

bool SlaveServer::has_slave_file(const std::string& zone) const {
    std::error_code ec;
    return std::filesystem::exists(dir() / "slave" / plain_zone(zone), ec);
}

std::string SlaveServer::named_log_tail(std::size_t lines) const {
    return file_tail(dir() / "named.log", lines);
}

std::string SlaveServer::rsyncd_log_tail(std::size_t lines) const {
    return file_tail(dir() / "rsyncd.log", lines);
}

} // namespace dms::test
