// SPDX-License-Identifier: GPL-3.0-or-later
// SlaveDriver for BIND9 slaves (see slave_driver.hpp): the SG config from the server
// templates, rsync to the slaves' dnsconf module, rndc -s through rndc.conf, probes
// with dms::dns. Differences from the original (REFERENCE.md 12): rsync targets are
// rsync:// URLs with the port (no bracket-wrapped addresses), tool failures and
// timeouts are retry (never broken), and the error text is the tool's own.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <unistd.h>

#include <fmt/format.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/core/process.hpp"
#include "dms/core/template.hpp"
#include "dms/drivers/bind9.hpp"

#include "zone_names.hpp"

namespace dms::drivers::bind9 {
namespace {

using detail::bare;

/// An address as it goes into a URL: IPv6 in brackets.
std::string url_host(const std::string& address) {
    return address.find(':') == std::string::npos ? address : "[" + address + "]";
}

SlaveStep retry(std::string why) {
    return {SlaveStep::Kind::retry, std::move(why), 0};
}
SlaveStep broken(std::string why) {
    return {SlaveStep::Kind::broken, std::move(why), 0};
}

/// Whether `dir` holds a key file of BIND's (K<zone>+<alg>+<tag>.key/.private/.state).
bool holds_keys(const std::string& dir) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename().string().starts_with("K")) {
            return true;
        }
    }
    return false;
}

/// First line of a tool's stderr (or stdout), for messages.
std::string first_line(const ProcessResult& r) {
    const auto& text = r.err.empty() ? r.out : r.err;
    const auto nl = text.find('\n');
    return text.substr(0, nl);
}

class Bind9Slaves : public SlaveDriver {
public:
    explicit Bind9Slaves(const Config& c)
        : m_sg_dir(c.value("dms_sg_dir")), m_template_dir(c.value("server_template_dir")),
          m_rsync(c.value("rsync_path")), m_password_file(c.value("rsync_password_file")),
          m_rsync_timeout(c.duration("rsync_timeout")), m_rndc(c.value("rndc_path")),
          m_rndc_conf(c.value("rndc_conf_file")), m_rndc_timeout(c.duration("rndc_timeout")),
          m_dns_timeout(c.duration("dns_query_timeout")), m_key_dir(c.value("dnssec_key_dir")),
          m_dnssec_password_file(c.value("rsync_dnssec_password_file")) {}

    void write_sg_config(const SgConfig& config) override {
        const auto dir = m_sg_dir + "/" + config.sg_name;
        const auto file = dir + (config.replica ? "/bind9-replica.conf" : "/bind9.conf");
        std::string text = fmt::format(
            "# {} for server group {}: written by dmsd from the dms database; do not edit.\n",
            config.replica ? "bind9-replica.conf" : "bind9.conf", config.sg_name);
        // Loaded on first use: a deployment without slaves needs no server templates.
        const auto stanza = load(config.replica ? "bind9-replica.conf" : "bind9.conf");
        const auto port = std::to_string(config.master_port);
        for (const auto& z : config.zones) {
            text += stanza->render({{"name", bare(z)},
                                    {"master_address", config.master_address},
                                    {"master_port", port},
                                    {"alt_masters", config.alt_masters}});
        }
        try {
            make_directories(dir);
            write_file_atomically(file, text, 0644);
        } catch (const Error& e) {
            throw Error(ErrorCode::named_conf_write_error,
                        fmt::format("server group {}: {}", config.sg_name, e.what()));
        }
    }

    SlaveStep send_config(const SlaveTarget& s) override {
        return send_directory(s, m_sg_dir + "/" + s.sg_name);
    }

    SlaveStep send_directory(const SlaveTarget& s, const std::string& dir) override {
        return rsync_to(s, dir, "dnsconf", m_password_file, {});
    }

    SlaveStep send_keys(const SlaveTarget& s) override {
        if (m_key_dir.empty() || !holds_keys(m_key_dir)) {
            return {};
        }
        return rsync_to(s, m_key_dir, "dnssec", m_dnssec_password_file, {"-p"});
    }

    SlaveStep reload_config(const SlaveTarget& s) override {
        const auto r = rndc(s, {"reconfig"});
        return r.ok() ? SlaveStep{} : retry(rndc_failure(s, "reconfig", r));
    }

    SlaveStep probe(const SlaveTarget& s) override {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = dns::query_soa({s.address, s.dns_port}, "localhost.", m_dns_timeout, true);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        const auto where = fmt::format("{}:{} localhost. SOA", s.address, s.dns_port);
        switch (r.status) {
        case dns::Status::timeout:
        case dns::Status::unreachable:
            return retry(fmt::format("{}: {}: {}", where, dns::to_string(r.status), r.error));
        case dns::Status::malformed:
            return broken(fmt::format("{}: malformed answer: {}", where, r.error));
        case dns::Status::answered:
            break;
        }
        const auto rc = dns::rcode_name(r.rcode);
        static const std::vector<std::string> alive{"NOERROR", "NXDOMAIN", "REFUSED", "NOTAUTH"};
        if (std::find(alive.begin(), alive.end(), rc) == alive.end()) {
            return broken(fmt::format("{}: {}", where, rc));
        }
        return {SlaveStep::Kind::ok, {}, ms};
    }

    SlaveStep status(const SlaveTarget& s, SlaveStatus& status) override {
        const auto r = rndc(s, {"status"});
        if (!r.ok()) {
            return retry(rndc_failure(s, "status", r));
        }
        const auto number = [&](const char* label) -> std::optional<std::int64_t> {
            const std::regex re(std::string(label) + R"(:\s*([0-9]+))");
            std::smatch m;
            if (std::regex_search(r.out, m, re)) {
                return std::stoll(m[1].str());
            }
            return std::nullopt;
        };
        status.zones = number("number of zones");
        status.refreshing = number("xfers running").value_or(0) +
                            number("xfers deferred").value_or(0) +
                            number("soa queries in progress").value_or(0);
        return {};
    }

    ZoneAnswer zone_serial(const SlaveTarget& s, std::string_view zone) override {
        using K = ZoneAnswer::Kind;
        const auto r = dns::query_soa({s.address, s.dns_port}, zone, m_dns_timeout, false);
        if (r.status != dns::Status::answered) {
            return {K::no_answer, 0, fmt::format("{}: {}", dns::to_string(r.status), r.error)};
        }
        const auto rc = dns::rcode_name(r.rcode);
        if (rc == "REFUSED" || rc == "NOTAUTH" || rc == "NXDOMAIN") {
            return {K::not_found, 0, rc};
        }
        if (r.rcode != 0 || !r.authoritative || !r.serial) {
            return {K::not_loaded, 0, r.rcode != 0 ? rc : "not authoritative"};
        }
        return {K::serial, *r.serial, {}};
    }

    SlaveStep notify(const SlaveTarget& s, std::string_view zone,
                     const std::string& source) override {
        try {
            const auto r = dns::send_notify({s.address, s.dns_port}, zone, m_dns_timeout, source);
            if (r.status == dns::Status::answered && r.rcode == 0) {
                return {};
            }
            return retry(r.error);
        } catch (const Error& e) { // e.g. an IPv4 master address and an IPv6 server
            return retry(fmt::format("NOTIFY of {} to {}: {}", zone, s.name, e.what()));
        }
    }

    SlaveStep retransfer(const SlaveTarget& s, std::string_view zone) override {
        const auto command = "retransfer " + bare(zone);
        const auto r = rndc(s, {"retransfer", bare(zone)});
        return r.ok() ? SlaveStep{} : retry(rndc_failure(s, command, r));
    }

private:
    /// rsync <dir>/ to rsync://<user>@<address>:<rsync_port>/<module>/ with the user's
    /// password file (the module's user is its name).
    SlaveStep rsync_to(const SlaveTarget& s, const std::string& dir, const std::string& module,
                       const std::string& password_file, std::vector<std::string> extra) {
        const auto src = dir.ends_with('/') ? dir : dir + "/";
        if (::access(src.c_str(), R_OK | X_OK) != 0) {
            return retry(fmt::format("{} cannot be read", src));
        }
        if (!password_file.empty() && ::access(password_file.c_str(), R_OK) != 0) {
            return retry(fmt::format("rsync password file {} cannot be read", password_file));
        }
        const auto secs = std::to_string(std::max<long long>(
            1, std::chrono::duration_cast<std::chrono::seconds>(m_rsync_timeout).count()));
        std::vector<std::string> argv{m_rsync, "-rt", "--delay-updates", "--timeout=" + secs,
                                      "--contimeout=" + secs};
        argv.insert(argv.end(), extra.begin(), extra.end());
        if (!password_file.empty()) {
            argv.push_back("--password-file=" + password_file);
        }
        argv.push_back(src);
        argv.push_back(
            fmt::format("rsync://{}@{}:{}/{}/", module, url_host(s.address), s.rsync_port, module));
        RunOptions o;
        o.timeout = m_rsync_timeout + std::chrono::seconds(5);
        const auto r = run_process(argv, o);
        if (r.ok()) {
            return {};
        }
        if (r.timed_out) {
            return retry(fmt::format(
                "rsync to {}:{} module {}: timed out after {} s", s.address, s.rsync_port, module,
                std::chrono::duration_cast<std::chrono::seconds>(r.timeout).count()));
        }
        return retry(fmt::format("rsync to {}:{} module {}: exit {}: {}", s.address, s.rsync_port,
                                 module, r.exit_code, first_line(r)));
    }

    std::shared_ptr<const Template> load(const std::string& file) {
        const std::lock_guard lock(m_templates_mutex);
        auto& t = m_templates[file];
        if (!t) {
            t = std::make_shared<const Template>(Template::load(m_template_dir + "/" + file));
        }
        return t;
    }

    ProcessResult rndc(const SlaveTarget& s, std::vector<std::string> command) {
        std::vector<std::string> argv{m_rndc};
        if (!m_rndc_conf.empty()) {
            argv.insert(argv.end(), {"-c", m_rndc_conf});
        }
        argv.insert(argv.end(), {"-s", s.name});
        argv.insert(argv.end(), command.begin(), command.end());
        RunOptions o;
        o.timeout = m_rndc_timeout;
        return run_process(argv, o);
    }

    static std::string rndc_failure(const SlaveTarget& s, std::string_view command,
                                    const ProcessResult& r) {
        if (r.timed_out) {
            return fmt::format("rndc -s {} {}: timed out after {} s", s.name, command,
                               std::chrono::duration_cast<std::chrono::seconds>(r.timeout).count());
        }
        return fmt::format("rndc -s {} {}: exit {}: {}", s.name, command, r.exit_code,
                           first_line(r));
    }

    std::string m_sg_dir, m_template_dir, m_rsync, m_password_file;
    std::chrono::milliseconds m_rsync_timeout;
    std::string m_rndc, m_rndc_conf;
    std::chrono::milliseconds m_rndc_timeout, m_dns_timeout;
    std::string m_key_dir, m_dnssec_password_file;
    std::mutex m_templates_mutex;
    std::map<std::string, std::shared_ptr<const Template>> m_templates;
};

} // namespace

std::unique_ptr<SlaveDriver> make_slave_driver(const Config& config) {
    return std::make_unique<Bind9Slaves>(config);
}

} // namespace dms::drivers::bind9
