// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms_system.hpp"

#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "dms/core/file_util.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

void DmsSystem::SetUp() {
    DMS_REQUIRE_NAMED();
    DbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
        return;
    }
    const auto d = m_dir.path().string();
    std::filesystem::create_directories(m_dir.path() / "dynamic");
    std::filesystem::create_directories(m_dir.path() / "master-config");
    m_dir.write("master-config/zones.conf", "");
    m_dir.write("master-config/server-acl.conf", "");
    m_dmsd_log = d + "/dmsd.log";
    m_conf = m_dir.write(
        "dms.conf",
        fmt::format("[DEFAULT]\ndb_host = {}\ndb_port = {}\ndb_user = {}\ndb_name = {}\n"
                    "master_dns_address = 127.0.0.1\nmaster_dns_port = {}\n"
                    "dyndns_key_file = {}\n"
                    "rndc_conf_file = {}\nrndc_timeout = 15\n"
                    "master_template_dir = {}/templates/master\n"
                    "master_config_dir = {}/master-config\nmaster_dyndns_dir = {}/dynamic\n"
                    "dmsd_pid_file = {}/dmsd.pid\nmaster_hold_timeout = 0.5\n"
                    "dns_query_timeout = 2\nedit_lock_timeout = 2\n"
                    "server_template_dir = {}/templates/server\ndms_sg_dir = {}/dms-sg\n"
                    "dnssec_key_dir = {}/keys\ndnssec_ds_dir = {}/ds\n{}"
                    "[dmsd]\nlog_level = debug\nevent_retry_base = 0.2\nevent_retry_max = 2\n"
                    "reconcile_interval = 1\ndrift_check_sample = 100\n{}",
                    m_settings.host, m_settings.port, m_settings.user, m_settings.name,
                    m_named.port(), m_named.update_key_path(), rndc_conf_path(), DMS_SOURCE_DIR, d,
                    d, d, DMS_SOURCE_DIR, d, d, d, extra_common_config(), extra_dmsd_config()));
    NamedOptions o;
    o.extra_config = fmt::format("include \"{0}/master-config/server-acl.conf\";\n"
                                 "include \"{0}/master-config/zones.conf\";\n",
                                 d);
    ASSERT_TRUE(m_named.start(o));
    before_dmsd();
    if (HasFatalFailure()) {
        return;
    }
    ASSERT_TRUE(start_dmsd());
}

void DmsSystem::TearDown() {
    m_dmsd.stop();
    if (HasFailure()) {
        std::cerr << "---- dmsd log (" << m_dmsd_log << "):\n"
                  << read_all(m_dmsd_log) << "---- named log tail:\n"
                  << m_named.log_tail(30);
    }
    m_named.stop();
    DbTest::TearDown();
}

ToolResult DmsSystem::zt(std::vector<std::string> args) {
    // Commands that ask first get -f.
    if (const auto* cmd = args.empty() ? nullptr : zone_tool::find_command(args[0]);
        cmd != nullptr && cmd->switches.find('f') != std::string_view::npos) {
        args.insert(args.begin() + 1, "-f");
    }
    return run_zone_tool(m_conf, std::move(args));
}

::testing::AssertionResult DmsSystem::start_dmsd() {
    const auto why = m_dmsd.start({std::string(DMS_BIN_DIR) + "/dmsd", "-c", m_conf}, m_dmsd_log);
    if (!why.empty()) {
        return ::testing::AssertionFailure() << why;
    }
    const auto pid_file = (m_dir.path() / "dmsd.pid").string();
    if (!wait_for([&] { return pid_file_locked(pid_file) || !m_dmsd.running(); }, 20s) ||
        !m_dmsd.running()) {
        return ::testing::AssertionFailure()
               << "dmsd did not start (" << m_dmsd.exit_text() << "):\n"
               << read_all(m_dmsd_log);
    }
    return ::testing::AssertionSuccess();
}

void DmsSystem::stop_dmsd() {
    m_dmsd.stop();
}

void DmsSystem::kill_dmsd() {
    m_dmsd.kill();
}

bool DmsSystem::wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cond()) {
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    return cond();
}

dns::SoaReply DmsSystem::soa(const std::string& zone) {
    return dns::query_soa(m_named.server(), zone, 2s);
}

bool DmsSystem::served(const std::string& zone, std::optional<std::uint32_t> serial) {
    const auto r = soa(zone);
    return r.status == dns::Status::answered && r.rcode == 0 && r.authoritative &&
           (!serial || r.serial == serial);
}

std::vector<dns::Record> DmsSystem::transfer(const std::string& zone) {
    const auto r = dns::axfr(m_named.server(), zone, m_named.update_key(), 5s);
    return r.status == dns::Status::answered && r.rcode == 0 ? r.records
                                                             : std::vector<dns::Record>{};
}

bool DmsSystem::answers(const std::string& zone, const std::string& name, const std::string& type,
                        const std::string& rdata) {
    for (const auto& r : transfer(zone)) {
        if (r.owner == name && r.type == type && r.rdata == rdata) {
            return true;
        }
    }
    return false;
}

std::string DmsSystem::zone_state(const std::string& zone) {
    return sql_value("SELECT state FROM sm_zone WHERE name = '" + zone +
                     "' AND state <> 'DELETED'");
}

} // namespace dms::test
