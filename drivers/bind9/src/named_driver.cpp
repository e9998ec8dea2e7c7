// SPDX-License-Identifier: GPL-3.0-or-later
// NamedDriver for BIND9 (see named_driver.hpp): DNS through dms::dns, files through
// write_file_atomically, rndc as a child process with a timeout.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/process.hpp"
#include "dms/core/template.hpp"
#include "dms/drivers/bind9.hpp"

#include "zone_names.hpp"

namespace dms::drivers::bind9 {
namespace {

using detail::bare;

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::istringstream in{std::string(text)};
    for (std::string w; in >> w;) {
        out.push_back(w);
    }
    return out;
}

class Bind9Driver : public NamedDriver {
public:
    explicit Bind9Driver(const Config& c)
        : m_server{c.value("master_dns_address"), static_cast<int>(c.number("master_dns_port"))},
          m_timeout(c.duration("dns_query_timeout")),
          m_key(dns::read_tsig_key_file(c.value("dyndns_key_file"), c.value("dyndns_key_name"))),
          m_filter(words(c.value("dnssec_filter"))), m_template_dir(c.value("master_template_dir")),
          m_config_dir(c.value("master_config_dir")), m_zone_dir(c.value("master_dyndns_dir")),
          m_rndc(c.value("rndc_path")), m_rndc_conf(c.value("rndc_conf_file")),
          m_rndc_timeout(c.duration("rndc_timeout")), m_checkzone(c.value("named_checkzone_path")),
          m_dynamic(Template::load(m_template_dir + "/dynamic-config.conf")),
          m_dnssec(Template::load(m_template_dir + "/auto-dnssec-config.conf")),
          m_acl(Template::load(m_template_dir + "/server-acl.conf")),
          m_key_dir(c.value("dnssec_key_dir")) {
        // The policies are optional: a template directory of an older dms has none.
        const auto policies = m_template_dir + "/dnssec-policies.conf";
        if (::access(policies.c_str(), R_OK) == 0) {
            m_policies = Template::load(policies);
        }
    }

    ZoneSoa zone_soa(std::string_view zone) override {
        const auto r = dns::query_soa(m_server, zone, m_timeout);
        ZoneSoa out;
        out.detail = r.error;
        if (r.status != dns::Status::answered) {
            out.kind = ZoneSoa::Kind::unknown;
            return out;
        }
        if (r.rcode == 0 && r.authoritative && r.serial) {
            out.kind = ZoneSoa::Kind::served;
            out.serial = r.serial;
            return out;
        }
        // SERVFAIL: configured but not loaded (yet), or broken. A refusal, NOTAUTH or an
        // answer without authority: named does not have it.
        out.kind = r.rcode == 2 ? ZoneSoa::Kind::not_loaded : ZoneSoa::Kind::not_served;
        if (out.detail.empty()) {
            out.detail = fmt::format("{} SOA: {}{}", zone, dns::rcode_name(r.rcode),
                                     r.authoritative ? "" : ", not authoritative");
        }
        return out;
    }

    Transfer transfer(std::string_view zone) override {
        auto r = dns::axfr(m_server, zone, m_key, m_timeout, m_filter);
        Transfer out;
        out.detail = r.error;
        if (r.status != dns::Status::answered) {
            out.kind = Transfer::Kind::failed;
            return out;
        }
        if (r.rcode != 0) {
            if (out.detail.empty()) {
                out.detail = fmt::format("{} AXFR: {}", zone, dns::rcode_name(r.rcode));
            }
            // named answers NOTAUTH both for a zone it does not have and for one it is
            // still loading (just after rndc reconfig); the SOA query tells them apart
            // (REFUSED, or SERVFAIL while loading).
            const auto soa = r.rcode == 2 ? ZoneSoa::Kind::not_loaded : zone_soa(zone).kind;
            out.kind = soa == ZoneSoa::Kind::not_served   ? Transfer::Kind::not_served
                       : soa == ZoneSoa::Kind::not_loaded ? Transfer::Kind::not_loaded
                                                          : Transfer::Kind::failed;
            return out;
        }
        out.kind = Transfer::Kind::ok;
        out.records = std::move(r.records);
        return out;
    }

    UpdateResult update(const dns::Update& u) override {
        UpdateResult out;
        dns::UpdateReply r;
        try {
            r = dns::send_update(m_server, u, m_key, m_timeout);
        } catch (const Error& e) {
            // A record that cannot be encoded, a message too large: sending it again
            // cannot help.
            out.kind = UpdateResult::Kind::fatal;
            out.detail = e.what();
            return out;
        }
        out.detail = r.error;
        if (r.status != dns::Status::answered) {
            out.kind = UpdateResult::Kind::retry;
            return out;
        }
        const auto name = dns::rcode_name(r.rcode);
        if (out.detail.empty() && r.rcode != 0) {
            out.detail = fmt::format("{} UPDATE: {}", u.zone, name);
        }
        if (r.rcode == 0) {
            out.kind = UpdateResult::Kind::ok;
        } else if (name == "SERVFAIL" || name == "NOTAUTH" || name == "NXRRSET") {
            out.kind = UpdateResult::Kind::retry;
        } else if (name == "NXDOMAIN") {
            out.kind = UpdateResult::Kind::reset;
        } else {
            out.kind = UpdateResult::Kind::fatal;
        }
        return out;
    }

    std::string zone_file_path(std::string_view zone) const override {
        return m_zone_dir + "/" + bare(zone);
    }

    void write_zone_file(std::string_view zone, std::string_view text,
                         DeferredSync* deferred) override {
        const auto path = zone_file_path(zone);
        // The journal belongs to the old file: named would apply it to the new one.
        remove_file(path + ".jnl");
        write_file_atomically(path, text, 0664, deferred);
    }

    static std::string lower(std::string s) {
        for (auto& c : s) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return s;
    }

    /// The zones (bare, lower case) with a key file in the key directory:
    /// K<zone>.+<alg>+<tag>.key.
    std::set<std::string> zones_with_keys() const {
        std::set<std::string> out;
        std::error_code ec;
        for (const auto& f : std::filesystem::directory_iterator(m_key_dir, ec)) {
            const auto name = f.path().filename().string();
            const auto plus = name.rfind(".+", name.size());
            if (name.size() > 5 && name.starts_with('K') && name.ends_with(".key") &&
                plus != std::string::npos && plus > 1) {
                out.insert(lower(name.substr(1, plus - 1)));
            }
        }
        return out;
    }

    DnssecRecords dnssec_records(std::string_view zone) override {
        DnssecRecords out;
        auto r = dns::axfr(m_server, zone, m_key, m_timeout, {});
        if (r.status != dns::Status::answered || r.rcode != 0) {
            out.detail = r.error.empty()
                             ? fmt::format("{} AXFR: {}", zone, dns::rcode_name(r.rcode))
                             : r.error;
            return out;
        }
        out.kind = DnssecRecords::Kind::ok;
        std::string apex = bare(zone);
        for (auto& c : apex) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        apex += '.';
        for (const auto& rec : r.records) {
            if (rec.type == "RRSIG") {
                ++out.rrsigs;
            }
            if (rec.owner != apex) {
                continue;
            }
            if (rec.type == "DNSKEY") {
                out.dnskey.push_back(rec.rdata);
            } else if (rec.type == "CDS") {
                out.cds.push_back(rec.rdata);
            } else if (rec.type == "CDNSKEY") {
                out.cdnskey.push_back(rec.rdata);
            } else if (rec.type == "NSEC3PARAM") {
                out.nsec3param.push_back(rec.rdata);
            }
        }
        return out;
    }

    std::vector<KeyState> key_states(std::string_view zone) override {
        std::vector<KeyState> out;
        const auto prefix = "K" + bare(zone) + ".+";
        std::error_code ec;
        for (const auto& f : std::filesystem::directory_iterator(m_key_dir, ec)) {
            const auto name = f.path().filename().string();
            // K<zone>.+<alg>+<tag>.state
            if (!name.starts_with(prefix) || !name.ends_with(".state")) {
                continue;
            }
            KeyState k;
            const auto digits = name.substr(prefix.size(), name.size() - prefix.size() - 6);
            const auto plus = digits.find('+');
            if (plus == std::string::npos) {
                continue;
            }
            try {
                k.algorithm = std::stoi(digits.substr(0, plus));
                k.key_tag = static_cast<std::uint16_t>(std::stoi(digits.substr(plus + 1)));
            } catch (const std::exception&) {
                continue;
            }
            std::ifstream in(f.path());
            std::string line;
            bool ksk = false;
            bool zsk = false;
            while (std::getline(in, line)) {
                const auto colon = line.find(": ");
                if (line.starts_with(";") || colon == std::string::npos) {
                    continue;
                }
                const auto key = line.substr(0, colon);
                const auto value = line.substr(colon + 2);
                if (key == "KSK") {
                    ksk = value == "yes";
                } else if (key == "ZSK") {
                    zsk = value == "yes";
                } else if (key == "GoalState") {
                    k.goal = value;
                } else if (key == "DNSKEYState") {
                    k.dnskey = value;
                } else if (key == "DSState") {
                    k.ds = value;
                } else if (key == "Published") {
                    k.published = value;
                } else if (key == "Retired") {
                    k.retired = value;
                }
            }
            k.role = ksk && zsk ? "CSK" : ksk ? "KSK" : "ZSK";
            out.push_back(std::move(k));
        }
        std::sort(out.begin(), out.end(),
                  [](const KeyState& a, const KeyState& b) { return a.key_tag < b.key_tag; });
        return out;
    }

    void remove_zone_files(std::string_view zone) override {
        const auto path = zone_file_path(zone);
        remove_file(path);
        remove_file(path + ".jnl");
        remove_file(path + ".jbk");
    }

    void write_master_config(const MasterConfig& config) override {
        std::string zones = "# zones.conf: written by dmsd from the dms database; do not edit.\n";
        // The DNSSEC policies first (top-level statements the signed zones name).
        if (m_policies) {
            zones += m_policies->render({});
        }
        bool signed_zones = false;
        const auto keyed = zones_with_keys();
        for (const auto& z : config.zones) {
            signed_zones = signed_zones || z.auto_dnssec;
            // A zone that had keys and no longer has auto_dnssec goes insecure the safe
            // way: under BIND's built-in policy "insecure", named keeps it signed while it
            // withdraws the DS state and the DNSKEYs in step with the caches' TTLs, then
            // serves it unsigned (dropping the policy at once would leave signatures that
            // are never renewed, and new records unsigned).
            const bool going_insecure = !z.auto_dnssec && keyed.contains(lower(bare(z.name)));
            const TemplateMap values{{"name", bare(z.name)},
                                     {"zone_file", zone_file_path(z.name)},
                                     {"update_key", m_key.name},
                                     {"acls", z.acls},
                                     {"also_notify", z.also_notify},
                                     {"dnssec_policy", going_insecure ? "insecure"
                                                       : z.nsec3      ? "dms-nsec3"
                                                                      : "dms-default"},
                                     {"key_directory", m_key_dir}};
            zones += (z.auto_dnssec || going_insecure ? m_dnssec : m_dynamic).render(values);
        }
        std::string acls =
            "# server-acl.conf: written by dmsd from the dms database; do not edit.\n";
        for (const auto& a : config.acls) {
            acls += m_acl.render({{"acl_name", a.name}, {"servers", a.addresses}});
        }
        make_directories(m_config_dir);
        if (signed_zones) {
            // named creates the keys there (dnssec-policy) and must find it.
            make_directories(m_key_dir);
        }
        // ACLs first: zones.conf names them.
        write_file_atomically(m_config_dir + "/server-acl.conf", acls, 0644);
        write_file_atomically(m_config_dir + "/zones.conf", zones, 0644);
    }

    void reconfig() override { rndc({"reconfig"}); }

    void rndc_zone(std::string_view command, std::string_view zone) override {
        rndc({std::string(command), bare(zone)});
    }

    bool control_channel_answers() override { return run_rndc({"status"}).ok(); }

    std::optional<std::string> zone_load_problem(std::string_view zone) override {
        // named's defaults for a master zone: check-names fail, check-integrity yes.
        RunOptions o;
        o.timeout = m_rndc_timeout;
        const auto r =
            run_process({m_checkzone, "-k", "fail", bare(zone), zone_file_path(zone)}, o);
        if (r.ok()) {
            return std::nullopt;
        }
        // Exit 1 with its findings on stdout; anything else is the checker's own trouble.
        std::string why;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) {
            if (line.empty() || line.find("not loaded due to errors") != std::string::npos) {
                continue;
            }
            why += (why.empty() ? "" : "; ") + line;
        }
        if (r.exit_code != 1 || why.empty()) {
            log::warning("zone " + std::string(zone), "check zone file", "{}",
                         describe_failure({m_checkzone, bare(zone)}, r));
            return std::nullopt;
        }
        return why;
    }

private:
    ProcessResult run_rndc(const std::vector<std::string>& args) {
        std::vector<std::string> argv{m_rndc};
        if (!m_rndc_conf.empty()) {
            argv.insert(argv.end(), {"-c", m_rndc_conf});
        }
        argv.insert(argv.end(), args.begin(), args.end());
        RunOptions o;
        o.timeout = m_rndc_timeout;
        return run_process(argv, o);
    }

    void rndc(const std::vector<std::string>& args) {
        std::vector<std::string> argv{m_rndc};
        const auto r = run_rndc(args);
        if (!r.ok()) {
            argv.insert(argv.end(), args.begin(), args.end());
            throw Error(ErrorCode::io, describe_failure(argv, r));
        }
    }

    dns::Server m_server;
    dns::Millis m_timeout;
    dns::TsigKey m_key;
    std::vector<std::string> m_filter;
    std::string m_template_dir, m_config_dir, m_zone_dir, m_rndc, m_rndc_conf;
    std::chrono::milliseconds m_rndc_timeout;
    std::string m_checkzone;
    Template m_dynamic, m_dnssec, m_acl;
    std::optional<Template> m_policies;
    std::string m_key_dir;
};

} // namespace

std::unique_ptr<NamedDriver> make_named_driver(const Config& config) {
    return std::make_unique<Bind9Driver>(config);
}

} // namespace dms::drivers::bind9
