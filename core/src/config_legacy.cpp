// SPDX-License-Identifier: GPL-3.0-or-later
// The original DMS's dms.conf keys and what dms makes of them (config_legacy.hpp).
// Review against REFERENCE.md 11.1: same groups, same order. Where REFERENCE.md names a
// group ("db2_*", "comment leaders", "serversm_soaquery_*_rcodes") the rows spell out the
// original's keys. docs/configuration.md lists the same (a unit test checks it).
#include "dms/core/config_legacy.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace dms {
namespace {

using enum LegacyConversion;

// Reasons shared by several keys.
constexpr std::string_view no_log_file =
    "dms writes no log file: log_target is stderr (the journal) or syslog";
constexpr std::string_view python_internal = "an internal setting of the Python original";
constexpr std::string_view unused_in_original = "the original did not use it either";
constexpr std::string_view derived_path =
    "the original derived its other paths from it before reading this file; each path is "
    "its own option here";
constexpr std::string_view update_rcodes =
    "how each answer to a dynamic update is handled is fixed in dmsd (docs/dmsd.md)";
constexpr std::string_view nsec3_by_named =
    "named's dnssec-policy signs zones (docs/dnssec.md); set_zone auto_dnssec nsec3 "
    "chooses NSEC3";
constexpr std::string_view no_static_slave =
    "the master serves dynamic zones only; the original's static and slave zones on the "
    "master are not supported";
constexpr std::string_view fixed_template_names =
    "the templates in master_template_dir have fixed names (dynamic-config.conf, "
    "auto-dnssec-config.conf, server-acl.conf)";
constexpr std::string_view key_file_written =
    "zone_tool generate_tsig_key writes key files itself, mode 0640, owned by who runs it";
constexpr std::string_view rsync_fixed =
    "dms runs rsync with fixed arguments, user and module (dnsconf; dnssec for the replica's "
    "keys)";
constexpr std::string_view soa_probe_fixed =
    "how a slave's answer to the SOA probe is judged is fixed in dmsd (docs/dmsd.md)";
constexpr std::string_view zone_text_fixed =
    "the zone text syntax is fixed (docs/zone_tool.md): the original's defaults";
constexpr std::string_view no_api = "dms has no JSON-RPC API yet";
constexpr std::string_view audit_not_syslog =
    "zone_tool records every change in the database's audit trail (dms_audit.audit_log), "
    "not in syslog";
constexpr std::string_view no_restricted_mode =
    "zone_tool has no restricted mode: it always acts with the Admin security tag";
constexpr std::string_view no_auto_reverse =
    "dms does not make reverse (PTR) records automatically yet";

// clang-format off
constexpr std::array keys{
    // DB/process.
    LegacyKey{"db_user", "db_user"},
    LegacyKey{"db_password", "", none,
              "dms keeps no password in dms.conf: put it in a file (mode 0600) named by "
              "db_password_file, or in ~/.pgpass"},
    LegacyKey{"db_host", "db_host"},
    LegacyKey{"db_port", "db_port", port},
    LegacyKey{"db_name", "db_name"},
    LegacyKey{"db_driver", "", none, "the Python database driver; dms uses libpq"},
    LegacyKey{"db_type", "", none, "the database is always PostgreSQL"},
    LegacyKey{"db2_user", "", none, unused_in_original},
    LegacyKey{"db2_password", "", none, unused_in_original},
    LegacyKey{"db2_host", "", none, unused_in_original},
    LegacyKey{"db2_port", "", none, unused_in_original},
    LegacyKey{"db2_name", "", none, unused_in_original},
    LegacyKey{"db2_driver", "", none, unused_in_original},
    LegacyKey{"db2_type", "", none, unused_in_original},
    LegacyKey{"db3_user", "", none, unused_in_original},
    LegacyKey{"db3_password", "", none, unused_in_original},
    LegacyKey{"db3_host", "", none, unused_in_original},
    LegacyKey{"db3_port", "", none, unused_in_original},
    LegacyKey{"db3_name", "", none, unused_in_original},
    LegacyKey{"db3_driver", "", none, unused_in_original},
    LegacyKey{"db3_type", "", none, unused_in_original},
    LegacyKey{"db4_user", "", none, unused_in_original},
    LegacyKey{"db4_password", "", none, unused_in_original},
    LegacyKey{"db4_host", "", none, unused_in_original},
    LegacyKey{"db4_port", "", none, unused_in_original},
    LegacyKey{"db4_name", "", none, unused_in_original},
    LegacyKey{"db4_driver", "", none, unused_in_original},
    LegacyKey{"db4_type", "", none, unused_in_original},
    LegacyKey{"run_as_user", "", none,
              "dmsd does not change user: start it as the user it should run as (systemd "
              "User=)"},
    LegacyKey{"config_dir", "", none, derived_path},
    LegacyKey{"log_dir", "", none, no_log_file},
    LegacyKey{"run_dir", "", none, derived_path},
    LegacyKey{"var_lib_dir", "", none, derived_path},
    LegacyKey{"pid_file", "dmsd_pid_file"},
    LegacyKey{"log_file", "", none, no_log_file},
    LegacyKey{"panic_log", "", none, "dmsd reports a crash on stderr (the journal)"},
    LegacyKey{"log_level", "log_level", log_level},
    LegacyKey{"syslog_facility", "syslog_facility", facility},
    LegacyKey{"log_file_max_size_kbytes", "", none, no_log_file},
    LegacyKey{"log_file_backup_count", "", none, no_log_file},
    LegacyKey{"daemon_canary", "", none,
              "the original logged it to show it had re-read its settings; dmsd reads "
              "dms.conf once, at start"},
    LegacyKey{"debug_mark", "", none, "the original's debug output; use log_level = debug"},
    LegacyKey{"systemd", "", none, "dmsd always runs in the foreground, as systemd wants"},
    // Event queue/daemon.
    LegacyKey{"sleep_time", "", none,
              "dmsd is woken by PostgreSQL LISTEN/NOTIFY; it does not poll"},
    LegacyKey{"debug_sleep_time", "", none, unused_in_original},
    LegacyKey{"memory_exec_threshold", "", none,
              "the original re-executed itself when it grew past it; dmsd does not"},
    LegacyKey{"event_queue_threads", "event_queue_threads"},
    LegacyKey{"event_queue_thread_timeout", "", none,
              "dmsd's workers do not time out; an event held too long is claimed again after "
              "event_lease"},
    LegacyKey{"event_queue_maxsize", "", none,
              "dmsd's workers claim events from the database; there is no queue in memory"},
    LegacyKey{"event_queue_session_transactions", "", none, python_internal},
    LegacyKey{"event_queue_fkey_columns", "", none, python_internal},
    LegacyKey{"db_query_slice", "", none, python_internal},
    // Timers.
    LegacyKey{"master_hold_timeout", "master_hold_timeout", minutes},
    LegacyKey{"master_rndc_settle_delay", "master_rndc_settle_delay"},
    LegacyKey{"edit_lock_timeout", "edit_lock_timeout", minutes},
    LegacyKey{"dns_query_timeout", "dns_query_timeout"},
    LegacyKey{"connect_retry_wait", "", none,
              "dmsd retries a lost database by itself, with back-off"},
    // DNS/update. master_dns_server before dns_server: the more particular one wins.
    LegacyKey{"master_dns_server", "master_dns_address", address},
    LegacyKey{"dns_server", "master_dns_address", address},
    LegacyKey{"master_dns_port", "master_dns_port", port},
    LegacyKey{"dns_port", "master_dns_port", port},
    LegacyKey{"this_servers_addresses", "", none,
              "a server is this machine when its address and port are master_dns_address and "
              "master_dns_port"},
    LegacyKey{"dyndns_key_file", "dyndns_key_file"},
    LegacyKey{"dyndns_key_name", "dyndns_key_name"},
    LegacyKey{"dnssec_filter", "dnssec_filter"},
    LegacyKey{"dyndns_success_rcodes", "", none, update_rcodes},
    LegacyKey{"dyndns_retry_rcodes", "", none, update_rcodes},
    LegacyKey{"dyndns_reset_rcodes", "", none, update_rcodes},
    LegacyKey{"dyndns_fatal_rcodes", "", none, update_rcodes},
    LegacyKey{"soa_serial_wrap_threshold", "", none, unused_in_original},
    LegacyKey{"nsec3_salt_bit_length", "", none, nsec3_by_named},
    LegacyKey{"nsec3_hash_algorithm", "", none, nsec3_by_named},
    LegacyKey{"nsec3_flags", "", none, nsec3_by_named},
    LegacyKey{"nsec3_iterations", "", none, nsec3_by_named},
    LegacyKey{"rndc_path", "rndc_path"},
    LegacyKey{"rndc_arguments", "", none,
              "dms runs rndc with -c rndc_conf_file (and -s for a slave), no other arguments"},
    LegacyKey{"dig_path", "", none, "dms sends its own DNS queries; it does not run dig"},
    LegacyKey{"dig_arguments", "", none, "dms sends its own DNS queries; it does not run dig"},
    LegacyKey{"nsupdate_path", "", none, unused_in_original},
    LegacyKey{"nsupdate_arguments", "", none, unused_in_original},
    // Paths/templates.
    LegacyKey{"dms_bind_config_dir", "dms_bind_config_dir"},
    LegacyKey{"master_bind_config_dir", "", none,
              "dms writes nothing in named's own directory; named.conf includes the files in "
              "master_config_dir"},
    LegacyKey{"master_config_dir", "master_config_dir"},
    LegacyKey{"master_dyndns_dir", "master_dyndns_dir"},
    LegacyKey{"master_slave_dir", "", none, no_static_slave},
    LegacyKey{"master_static_dir", "", none, no_static_slave},
    LegacyKey{"master_dnssec_key_dir", "dnssec_key_dir"},
    LegacyKey{"master_template_dir", "master_template_dir"},
    LegacyKey{"master_dyndns_template", "", none, fixed_template_names},
    LegacyKey{"master_auto_dnssec_template", "", none, fixed_template_names},
    LegacyKey{"master_server_acl_template", "", none, fixed_template_names},
    LegacyKey{"master_static_template", "", none, no_static_slave},
    LegacyKey{"master_slave_template", "", none, no_static_slave},
    LegacyKey{"master_include_file", "", none,
              "fixed: zones.conf in master_config_dir"},
    LegacyKey{"master_server_acl_file", "", none,
              "fixed: server-acl.conf in master_config_dir"},
    LegacyKey{"acl_name_extension", "", none,
              "fixed: a server group's ACL is named <group>-servers"},
    LegacyKey{"zone_file_mode", "", none, "zone files are written mode 0664"},
    LegacyKey{"zone_file_group", "", none,
              "zone files get dmsd's group: run dmsd in named's group (bind)"},
    LegacyKey{"config_file_mode", "", none, "named's includes are written mode 0644"},
    LegacyKey{"server_config_dir", "server_template_dir"},
    LegacyKey{"server_replica_suffix", "", none,
              "fixed: the replica's template is bind9-replica.conf in server_template_dir"},
    LegacyKey{"sg_config_dir", "dms_sg_dir"},
    LegacyKey{"config_template_dir", "", none,
              "the original derived rndc_header_template, rndc_server_template and "
              "tsig_key_template from it before reading this file; set the first two here"},
    LegacyKey{"rndc_header_template", "rndc_header_template"},
    LegacyKey{"rndc_server_template", "rndc_server_template"},
    LegacyKey{"rndc_conf_file", "rndc_conf_file"},
    LegacyKey{"rndc_conf_file_mode", "", none, "rndc.conf is written mode 0644"},
    LegacyKey{"server_admin_config_dir", "server_admin_config_dir"},
    LegacyKey{"tsig_key_template", "", none, key_file_written},
    LegacyKey{"key_file_mode", "", none, key_file_written},
    LegacyKey{"key_file_owner", "", none, key_file_written},
    LegacyKey{"key_file_group", "", none, key_file_written},
    // Rsync/servers.
    LegacyKey{"rsync_path", "rsync_path"},
    LegacyKey{"rsync_password_file", "rsync_password_file"},
    LegacyKey{"rsync_args", "", none, rsync_fixed},
    LegacyKey{"rsync_target_user", "", none, rsync_fixed},
    LegacyKey{"rsync_target_module", "", none, rsync_fixed},
    LegacyKey{"rsync_dnssec_args", "", none, rsync_fixed},
    LegacyKey{"rsync_dnssec_password_file", "rsync_dnssec_password_file"},
    LegacyKey{"rsync_dnssec_user", "", none, rsync_fixed},
    LegacyKey{"rsync_dnssec_module", "", none, rsync_fixed},
    LegacyKey{"serversm_soaquery_success_rcodes", "", none, soa_probe_fixed},
    LegacyKey{"serversm_soaquery_ok_rcodes", "", none, soa_probe_fixed},
    LegacyKey{"serversm_soaquery_retry_rcodes", "", none, soa_probe_fixed},
    LegacyKey{"serversm_soaquery_broken_rcodes", "", none, soa_probe_fixed},
    LegacyKey{"serversm_soaquery_domain", "", none, "fixed: the probe asks for localhost. SOA"},
    LegacyKey{"bind9_zone_count_tag", "", none,
              "fixed: dmsd reads the 'number of zones:' line of rndc status"},
    LegacyKey{"oping_path", "", none,
              "dms does not ping servers; it probes them with SOA queries"},
    LegacyKey{"oping_args", "", none,
              "dms does not ping servers; it probes them with SOA queries"},
    // Zone text.
    LegacyKey{"apex_rr_tag", "", none, zone_text_fixed},
    LegacyKey{"apex_comment_template", "", none, zone_text_fixed},
    LegacyKey{"comment_group_leader", "", none, zone_text_fixed},
    LegacyKey{"comment_rr_leader", "", none, zone_text_fixed},
    LegacyKey{"comment_rrflags_leader", "", none, zone_text_fixed},
    LegacyKey{"rr_flag_lockptr", "", none, zone_text_fixed},
    LegacyKey{"rr_flag_forcerev", "", none, zone_text_fixed},
    LegacyKey{"rr_flag_disable", "", none, zone_text_fixed},
    LegacyKey{"rr_flag_ref", "", none, zone_text_fixed},
    LegacyKey{"rr_flag_rrop", "", none, zone_text_fixed},
    LegacyKey{"rr_flag_trackrev", "", none, zone_text_fixed},
    LegacyKey{"apex_ns_key", "", none, "fixed: the zone_cfg key is apex_ns"},
    // Security/UI.
    LegacyKey{"admin_sectag", "", none, no_restricted_mode},
    LegacyKey{"jsonrpc_accept_get", "", none, no_api},
    LegacyKey{"jsonrpc_max_content_length", "", none, no_api},
    LegacyKey{"jsonrpc_error_stack_trace", "", none, no_api},
    LegacyKey{"admin_group_list", "", none, no_restricted_mode},
    LegacyKey{"editor", "", none, "edit_zone runs $VISUAL or $EDITOR (else /usr/bin/editor)"},
    LegacyKey{"editor_rvim", "", none,
              "edit_zone runs $VISUAL or $EDITOR (else /usr/bin/editor)"},
    LegacyKey{"editor_rnano", "", none,
              "edit_zone runs $VISUAL or $EDITOR (else /usr/bin/editor)"},
    LegacyKey{"pager", "", none, "zone_tool runs $PAGER (else less)"},
    LegacyKey{"pager_args", "", none, "zone_tool runs $PAGER (else less)"},
    LegacyKey{"diff_args", "", none, "fixed: zone_tool runs diff -uNw"},
    LegacyKey{"tail_args", "", none, "fixed: zone_tool labels its diffs itself"},
    LegacyKey{"restricted_mode_commands", "", none, no_restricted_mode},
    LegacyKey{"wsgi_test_commands", "", none, no_api},
    LegacyKey{"commands_not_to_syslog", "", none, audit_not_syslog},
    LegacyKey{"zone_tool_log_facility", "", none, audit_not_syslog},
    LegacyKey{"zone_tool_log_level", "", none, audit_not_syslog},
    LegacyKey{"list_events_last_limit", "list_events_last_limit"},
    LegacyKey{"zone_del_off_age", "", none,
              "zone_del_age = 0 (set_config) keeps deleted zones for ever"},
    // Auto-reverse.
    LegacyKey{"auto_reverse", "", none, no_auto_reverse},
    LegacyKey{"auto_create_ipv4_ptr", "", none, no_auto_reverse},
    LegacyKey{"auto_create_ipv6_ptr", "", none, no_auto_reverse},
};
// clang-format on

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

/// Seconds as our seconds options write them: no exponent, no trailing zeros.
std::string seconds_text(double seconds) {
    auto text = fmt::format("{:.3f}", seconds);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') {
        text.pop_back();
    }
    return text;
}

LegacyValue convert_minutes(std::string_view value) {
    double v = 0;
    const auto* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, v, std::chars_format::fixed);
    // The largest our seconds options take, in minutes.
    constexpr double most = 1'000'000'000.0 / 60;
    if (value.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v) || v < 0 ||
        v > most) {
        return {std::nullopt, "not a number of minutes"};
    }
    const auto seconds = seconds_text(v * 60);
    return {seconds, fmt::format("{} minutes = {} seconds", value, seconds)};
}

LegacyValue convert_port(std::string_view value) {
    if (all_digits(value)) {
        return {std::string(value), ""};
    }
    if (value.empty()) {
        return {std::nullopt, "empty (the original's 'default')"};
    }
    const auto name = lower(value);
    if (name == "domain") {
        return {"53", "'domain' = 53"};
    }
    if (name == "postgresql") {
        return {"5432", "'postgresql' = 5432"};
    }
    return {std::nullopt,
            fmt::format("'{}' is not a port number, 'domain' or 'postgresql'", value)};
}

LegacyValue convert_address(std::string_view value) {
    const std::string text(value);
    unsigned char buf[16];
    if (::inet_pton(AF_INET, text.c_str(), buf) == 1 ||
        ::inet_pton(AF_INET6, text.c_str(), buf) == 1) {
        return {text, ""};
    }
    if (lower(value) == "localhost") {
        return {"127.0.0.1", "'localhost' = 127.0.0.1"};
    }
    return {std::nullopt,
            fmt::format("'{}' is not an IP address; dms needs the master's address", value)};
}

LegacyValue convert_log_level(std::string_view value) {
    // Python's logging levels by number.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> numbers{{
        {"10", "debug"},
        {"20", "info"},
        {"30", "warning"},
        {"40", "error"},
        {"50", "critical"},
    }};
    for (const auto& [number, name] : numbers) {
        if (value == number) {
            return {std::string(name), fmt::format("'{}' = {}", value, name)};
        }
    }
    auto name = lower(value);
    if (name == "warn") {
        name = "warning";
    }
    return {name, name == value ? "" : fmt::format("'{}' = {}", value, name)};
}

LegacyValue convert_facility(std::string_view value) {
    auto name = lower(value);
    if (name.starts_with("log_")) {
        name.erase(0, 4);
    }
    return {name, name == value ? "" : fmt::format("'{}' = {}", value, name)};
}

} // namespace

std::span<const LegacyKey> legacy_keys() {
    return keys;
}

const LegacyKey* find_legacy_key(std::string_view name) {
    const auto it =
        std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.name == name; });
    return it == keys.end() ? nullptr : &*it;
}

std::optional<std::string_view> legacy_section(std::string_view name) {
    if (name == "dmsdmd") {
        return "dmsd";
    }
    if (name == "mod_wsgi" || (name.size() > 5 && name.ends_with(".wsgi"))) {
        return "";
    }
    return std::nullopt;
}

std::string_view legacy_section_why(std::string_view name) {
    return name == "mod_wsgi" ? "the original's JSON-RPC API under Apache mod_wsgi; dms has no "
                                "such program"
                              : "a WSGI script of the original's JSON-RPC API under Apache; dms "
                                "has no such program";
}

LegacyValue convert_legacy_value(LegacyConversion conversion, std::string_view value) {
    switch (conversion) {
    case none:
        return {std::string(value), ""};
    case minutes:
        return convert_minutes(value);
    case port:
        return convert_port(value);
    case address:
        return convert_address(value);
    case log_level:
        return convert_log_level(value);
    case facility:
        return convert_facility(value);
    }
    return {std::string(value), ""};
}

} // namespace dms
