// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/zone_cfg_engine.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/core/zone.hpp"
#include "dms/db/apex_ns.hpp"
#include "dms/db/sgs.hpp"
#include "dms/engine/server_engine.hpp"
#include "dms/engine/sg_engine.hpp"

#include "audit.hpp"

namespace dms::engine {
namespace {

std::optional<std::int64_t> sg_id_of(db::Transaction& tx, std::string_view sg_name) {
    if (sg_name.empty()) {
        return std::nullopt;
    }
    auto sg = db::sgs::find(tx, sg_name);
    if (!sg) {
        throw Error(ErrorCode::no_sg_found, fmt::format("server group '{}' not found", sg_name));
    }
    return sg->id;
}

} // namespace

std::optional<bool> parse_config_bool(std::string_view v) {
    if (v == "true" || v == "on" || v == "yes" || v == "1") {
        return true;
    }
    if (v == "false" || v == "off" || v == "no" || v == "0") {
        return false;
    }
    return std::nullopt;
}

std::string check_config_value(std::string_view key, std::string_view v) {
    static constexpr std::array bools{"auto_dnssec", "edit_lock", "inc_updates", "nsec3",
                                      "use_apex_ns"};
    static constexpr std::array ttls{"soa_refresh", "soa_retry", "soa_expire",
                                     "soa_minimum", "soa_ttl",   "zone_ttl"};
    static constexpr std::array ages{"event_max_age", "syslog_max_age", "zi_max_age",
                                     "zone_del_age", "zone_del_pare_age"};
    auto in = [&](const auto& list) {
        return std::find(list.begin(), list.end(), key) != list.end();
    };
    // zone_cfg.value is varchar(1024): longer values were refused by the database
    // with no word of which setting.
    if (v.size() > max_config_value) {
        return fmt::format("{} characters, at most {}", v.size(), max_config_value);
    }
    if (in(bools)) {
        return parse_config_bool(v) ? "" : "expected true/false, on/off, yes/no or 1/0";
    }
    if (in(ttls)) {
        const auto t = parse_ttl(v);
        return t && *t <= max_ttl ? "" : "expected a time such as 3600, 1h or 1d12h";
    }
    if (in(ages)) {
        char* end = nullptr;
        const std::string s(v);
        const double d = std::strtod(s.c_str(), &end);
        return !s.empty() && *end == '\0' && std::isfinite(d) && d >= 0 && d <= max_age_days
                   ? ""
                   : fmt::format("expected days from 0 to {}, e.g. 90.0", max_age_days);
    }
    if (key == "zi_max_num") {
        return !v.empty() && v.size() <= 9 && std::all_of(v.begin(), v.end(), ::isdigit)
                   ? ""
                   : "expected a count below 1000000000";
    }
    if (key == "soa_mname" || key == "soa_rname") {
        return v.ends_with('.') && normalize_zone_name(v)
                   ? ""
                   : "expected an absolute name ending in '.'";
    }
    if (key == "default_ref") {
        return valid_reference(v) ? ""
                                  : "expected a reference (letters, digits, -_.@, at most 1024)";
    }
    if (key == "default_stype") {
        const auto types = server_types();
        return std::find(types.begin(), types.end(), v) != types.end()
                   ? ""
                   : "expected a server type (bind9 or nsd3)";
    }
    if (key == "default_sg") {
        return check_sg_name(v);
    }
    return fmt::format("unknown key '{}'", key);
}

ZoneCfgEngine::ZoneCfgEngine(db::Session& session, Caller caller)
    : m_session(session), m_caller(std::move(caller)) {}

std::vector<db::ZoneCfgRow> ZoneCfgEngine::show_config() {
    return m_session.transaction("show_config",
                                 [](db::Transaction& tx) { return db::zone_cfg::list(tx); });
}

void ZoneCfgEngine::set_config(std::string_view key, std::string_view value,
                               std::string_view sg_name) {
    if (key == "apex_ns") {
        throw Error(ErrorCode::usage, "apex_ns is a list: use edit_apex_ns");
    }
    if (const auto problem = check_config_value(key, value); !problem.empty()) {
        throw Error(ErrorCode::zone_cfg_item_value_error,
                    fmt::format("{} = '{}': {}", key, value, problem));
    }
    if (key == "soa_mname" && sg_name.empty()) {
        throw Error(ErrorCode::sg_name_required, "soa_mname is set per server group: give -g sg");
    }
    m_session.transaction("set_config", [&](db::Transaction& tx) {
        if (key == "default_sg" && !db::sgs::find(tx, value)) {
            throw Error(ErrorCode::no_sg_found, fmt::format("server group '{}' not found", value));
        }
        db::zone_cfg::set(tx, key, value, sg_id_of(tx, sg_name));
        detail::audit(tx, m_caller, "set_config", key, std::nullopt,
                      detail::json_strings({{"value", value}, {"sg", sg_name}}));
    });
}

std::vector<std::string> ZoneCfgEngine::apex_ns(std::string_view sg_name) {
    return m_session.transaction("show_apex_ns", [&](db::Transaction& tx) {
        auto name = std::string(sg_name);
        if (name.empty()) {
            name = db::zone_cfg::value(tx, "default_sg").value_or("");
        }
        return db::apex_ns::list(tx, name.empty() ? std::nullopt : sg_id_of(tx, name));
    });
}

void ZoneCfgEngine::set_apex_ns(std::string_view sg_name, const std::vector<std::string>& names) {
    std::vector<std::string> clean;
    for (auto n : names) {
        if (!n.ends_with('.')) {
            n += '.';
        }
        if (!is_hostname(n)) {
            throw Error(ErrorCode::zone_cfg_item_value_error,
                        fmt::format("apex NS '{}' is not a host name", n));
        }
        clean.push_back(*normalize_zone_name(n));
    }
    if (clean.empty()) {
        throw Error(ErrorCode::zone_cfg_item_value_error, "at least one apex NS is needed");
    }
    m_session.transaction("edit_apex_ns", [&](db::Transaction& tx) {
        db::apex_ns::replace(tx, sg_id_of(tx, sg_name), clean);
        detail::audit(tx, m_caller, "edit_apex_ns", sg_name);
    });
}

} // namespace dms::engine
