// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms_deployment.hpp"

#include <fcntl.h>
#include <random>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "dms/core/dns_client.hpp"
#include "dms/core/file_util.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// Poll `cond` every 100 ms until true or `timeout`.
template <typename F>
bool poll(F&& cond, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (cond()) {
            return true;
        }
        std::this_thread::sleep_for(100ms);
    }
    return cond();
}

} // namespace

std::string deployment_missing() {
    if (auto why = pg_server_missing(); !why.empty()) {
        return why;
    }
    return slave_missing();
}

DmsDeployment::DmsDeployment(DeploymentOptions options) : m_options(std::move(options)) {
    m_remote_key =
        m_dir.write("rndc-remote.key", dns::generate_tsig_key_text("remote-key", "hmac-sha256"));
    std::filesystem::permissions(m_remote_key, std::filesystem::perms::owner_read |
                                                   std::filesystem::perms::owner_write);
    for (int i = 0; i < m_options.slaves; ++i) {
        SlaveOptions o;
        o.name = fmt::format("slave{}", i + 1);
        o.remote_key_path = m_remote_key;
        o.allow_transfer = "127.0.0.1";
        m_slaves.push_back(std::make_unique<SlaveServer>(o));
    }
    // One rsync password for every slave, as on a real master.
    std::random_device rd;
    const auto password = fmt::format("{:08x}{:08x}{:08x}", rd(), rd(), rd());
    m_password_file = (dir() / "rsync-password").string();
    for (auto& s : m_slaves) {
        s->set_password(password);
    }
    if (!m_slaves.empty()) {
        m_slaves[0]->write_password_file(m_password_file);
    }
    for (const auto* sub : {"dynamic", "master-config", "dms-sg", "admin"}) {
        std::filesystem::create_directories(dir() / sub);
    }
    m_dir.write("master-config/zones.conf", "");
    m_dir.write("master-config/server-acl.conf", "");
    m_conf = (dir() / "dms.conf").string();
}

DmsDeployment::~DmsDeployment() {
    m_dmsd.stop();
    for (auto& s : m_slaves) {
        s->stop();
    }
    m_master.stop();
    m_pg.stop();
}

std::string DmsDeployment::conf_text() const {
    const auto d = dir().string();
    return fmt::format(
        "[DEFAULT]\ndb_host = {}\ndb_port = {}\ndb_user = {}\ndb_name = dms\n"
        "log_target = stderr\n"
        "master_dns_address = 127.0.0.1\nmaster_dns_port = {}\n"
        "dyndns_key_file = {}\n"
        "rndc_conf_file = {}/rndc-all.conf\nrndc_timeout = 15\n"
        "master_template_dir = {}/templates/master\n"
        "master_config_dir = {}/master-config\nmaster_dyndns_dir = {}/dynamic\n"
        "dmsd_pid_file = {}/dmsd.pid\nmaster_hold_timeout = 0.5\n"
        "dns_query_timeout = 2\n"
        "server_template_dir = {}/templates/server\ndms_sg_dir = {}/dms-sg\n"
        "rsync_password_file = {}\nrsync_timeout = 10\nrndc_remote_key_file = {}\n"
        "server_admin_config_dir = {}/admin\n"
        "[dmsd]\nlog_level = {}\nevent_retry_base = 0.2\nevent_retry_max = 2\n"
        "reconcile_interval = 1\ndrift_check_sample = 100\n"
        "server_check_interval = 2\nserver_retry_base = 0.3\nserver_retry_max = 2\n"
        "master_rndc_settle_delay = 0\nserver_lag_grace = 5\nserver_repair_wait = 2\n{}",
        m_pg.host(), m_pg.port(), m_pg.user(), m_master.port(), m_master.update_key_path(), d,
        DMS_SOURCE_DIR, d, d, d, DMS_SOURCE_DIR, d, m_password_file, m_remote_key, d,
        m_options.log_level, m_options.extra_dmsd_config);
}

::testing::AssertionResult DmsDeployment::start() {
    if (auto r = m_pg.start(); !r) {
        return r;
    }
    m_dir.write("dms.conf", conf_text());
    if (const auto r = zone_tool({"create_db"}); !r.ok()) {
        return ::testing::AssertionFailure()
               << "create_db: " << describe_failure({"zone_tool", "create_db"}, r) << r.out;
    }
    for (auto& s : m_slaves) {
        if (auto r = s->start(); !r) {
            return r;
        }
    }
    // The master's own rndc.conf plus a server entry per slave with the remote key
    // (what write_rndc_conf writes on a real master).
    std::string rndc = read_text(m_master.dir() / "rndc.conf");
    rndc += fmt::format("include \"{}\";\n", m_remote_key);
    for (const auto& s : m_slaves) {
        rndc += s->rndc_server_stanza() + "\n";
    }
    std::filesystem::permissions(m_dir.write("rndc-all.conf", rndc),
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write);
    NamedOptions o;
    o.extra_config = fmt::format("include \"{0}/master-config/server-acl.conf\";\n"
                                 "include \"{0}/master-config/zones.conf\";\n",
                                 dir().string());
    if (auto r = m_master.start(o); !r) {
        return r;
    }
    if (auto r = start_dmsd(); !r) {
        return r;
    }
    for (const auto& s : m_slaves) {
        if (auto r = add_slave(*s); !r) {
            return r;
        }
    }
    std::string states;
    const bool all_ok = poll(
        [&] {
            try {
                pqxx::connection c(conninfo());
                pqxx::nontransaction tx(c);
                const auto r = tx.exec("SELECT count(*) FILTER (WHERE state <> 'OK'),"
                                       " string_agg(name || ' ' || state || ' ' ||"
                                       " coalesce(retry_msg, ''), '; ') FROM sm_servers");
                states = r[0][1].is_null() ? "" : r[0][1].c_str();
                return r[0][0].as<long>() == 0;
            } catch (const std::exception& e) {
                states = e.what();
                return false;
            }
        },
        60s);
    if (!all_ok) {
        return ::testing::AssertionFailure() << "slaves not OK after 60 s: " << states;
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult DmsDeployment::add_slave(const SlaveServer& s) {
    const std::vector<std::string> create{
        "create_server",
        "-g",
        "someorg-one",
        "-P",
        fmt::format("{},{},{}", s.dns_port(), s.rndc_port(), s.rsync_port()),
        s.name(),
        s.address()};
    for (const auto& args : {create, std::vector<std::string>{"enable_server", s.name()}}) {
        if (const auto r = zone_tool(args); !r.ok()) {
            return ::testing::AssertionFailure() << describe_failure({"zone_tool", args[0]}, r);
        }
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult DmsDeployment::start_dmsd() {
    const auto log = dmsd_log_path().string();
    if (const auto why = m_dmsd.start({std::string(DMS_BIN_DIR) + "/dmsd", "-c", m_conf}, log);
        !why.empty()) {
        return ::testing::AssertionFailure() << why;
    }
    const auto pid_file = (dir() / "dmsd.pid").string();
    if (!poll([&] { return pid_file_locked(pid_file) || !m_dmsd.running(); }, 30s) ||
        !m_dmsd.running()) {
        return ::testing::AssertionFailure()
               << "dmsd did not start (" << m_dmsd.exit_text() << "):\n"
               << file_tail(log, 30);
    }
    return ::testing::AssertionSuccess();
}

void DmsDeployment::kill_dmsd() {
    m_dmsd.kill();
}

void DmsDeployment::stop_dmsd() {
    m_dmsd.stop(30s);
}

bool DmsDeployment::dmsd_running() {
    return m_dmsd.running();
}

ProcessResult DmsDeployment::zone_tool(const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout) const {
    std::vector<std::string> argv{std::string(DMS_BIN_DIR) + "/zone_tool", "-c", m_conf};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions o;
    o.timeout = timeout;
    return run_process(argv, o);
}

void DmsDeployment::save_logs(const std::filesystem::path& to) const {
    std::filesystem::create_directories(to);
    const auto copy = [&](const std::filesystem::path& from, const std::string& name) {
        std::error_code ec;
        std::filesystem::copy_file(from, to / name,
                                   std::filesystem::copy_options::overwrite_existing, ec);
    };
    copy(dmsd_log_path(), "dmsd.log");
    copy(m_conf, "dms.conf");
    copy(m_pg.log_path(), "postgresql.log");
    copy(m_master.dir() / "named.log", "master-named.log");
    for (const auto& s : m_slaves) {
        copy(s->dir() / "named.log", s->name() + "-named.log");
        copy(s->dir() / "rsyncd.log", s->name() + "-rsyncd.log");
    }
}

} // namespace dms::test
