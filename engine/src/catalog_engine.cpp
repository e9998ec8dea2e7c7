// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/catalog_engine.hpp"

#include <array>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/db/apex_ns.hpp"
#include "dms/db/sectags.hpp"
#include "dms/db/sgs.hpp"
#include "dms/engine/server_engine.hpp"

#include "zone_util.hpp"

namespace dms::engine {
namespace {

bool valid_sectag(std::string_view s) {
    if (s.empty() || s.size() > 60) {
        return false;
    }
    for (const char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '.') {
            return false;
        }
    }
    return true;
}

void check_reference_format(std::string_view r) {
    if (!valid_reference(r)) {
        throw Error(ErrorCode::reference_format,
                    fmt::format("bad reference '{}': letters, digits and -_.@, starting with a "
                                "letter or digit, at most 1024",
                                r));
    }
}

db::ReferenceRecord require_reference(db::Transaction& tx, std::string_view r) {
    auto ref = db::references::find(tx, r);
    if (!ref) {
        throw Error(ErrorCode::reference_does_not_exist,
                    fmt::format("reference '{}' does not exist", r));
    }
    return *ref;
}

void require_sectag(db::Transaction& tx, std::string_view s) {
    if (!db::sectags::exists(tx, s)) {
        throw Error(ErrorCode::zone_sectag_does_not_exist,
                    fmt::format("security tag '{}' does not exist", s));
    }
}

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
        return detail::parse_bool(v) ? "" : "expected true/false, on/off, yes/no or 1/0";
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

CatalogEngine::CatalogEngine(db::Session& session, Caller caller)
    : m_session(session), m_caller(std::move(caller)) {}

std::vector<db::ReferenceRecord>
CatalogEngine::list_references(const std::vector<std::string>& patterns) {
    return m_session.transaction(
        "ls_reference", [&](db::Transaction& tx) { return db::references::list(tx, patterns); });
}

void CatalogEngine::create_reference(std::string_view reference) {
    check_reference_format(reference);
    m_session.transaction("create_reference", [&](db::Transaction& tx) {
        if (!db::references::create(tx, reference)) {
            throw Error(ErrorCode::reference_exists,
                        fmt::format("reference '{}' already exists", reference));
        }
        detail::audit(tx, m_caller, "create_reference", reference);
    });
}

void CatalogEngine::delete_reference(std::string_view reference) {
    m_session.transaction("delete_reference", [&](db::Transaction& tx) {
        const auto r = require_reference(tx, reference);
        if (r.zone_count > 0) {
            throw Error(
                ErrorCode::reference_still_used,
                fmt::format("reference '{}' is used by {} zone(s)", r.reference, r.zone_count));
        }
        db::references::remove(tx, r.id);
        detail::audit(tx, m_caller, "delete_reference", r.reference);
    });
}

void CatalogEngine::rename_reference(std::string_view reference, std::string_view new_name) {
    check_reference_format(new_name);
    m_session.transaction("rename_reference", [&](db::Transaction& tx) {
        const auto r = require_reference(tx, reference);
        if (auto other = db::references::find(tx, new_name); other && other->id != r.id) {
            throw Error(ErrorCode::reference_exists,
                        fmt::format("reference '{}' already exists", new_name));
        }
        db::references::rename(tx, r.id, new_name);
        detail::audit(tx, m_caller, "rename_reference", r.reference, std::nullopt,
                      detail::json_strings({{"new", new_name}}));
    });
}

std::vector<std::string> CatalogEngine::list_sectags() {
    return m_session.transaction("show_sectags",
                                 [](db::Transaction& tx) { return db::sectags::list(tx); });
}

void CatalogEngine::create_sectag(std::string_view sectag) {
    if (!valid_sectag(sectag) || sectag == "Admin") {
        throw Error(ErrorCode::usage,
                    fmt::format("bad security tag '{}': letters, digits and -_., at most 60, "
                                "not Admin",
                                sectag));
    }
    m_session.transaction("create_sectag", [&](db::Transaction& tx) {
        if (!db::sectags::create(tx, sectag)) {
            throw Error(ErrorCode::zone_sectag_exists,
                        fmt::format("security tag '{}' already exists", sectag));
        }
        detail::audit(tx, m_caller, "create_sectag", sectag);
    });
}

void CatalogEngine::delete_sectag(std::string_view sectag) {
    m_session.transaction("delete_sectag", [&](db::Transaction& tx) {
        require_sectag(tx, sectag);
        if (const auto n = db::sectags::use_count(tx, sectag); n > 0) {
            throw Error(ErrorCode::zone_sectag_still_used,
                        fmt::format("security tag '{}' is used by {} zone(s)", sectag, n));
        }
        db::sectags::remove(tx, sectag);
        detail::audit(tx, m_caller, "delete_sectag", sectag);
    });
}

std::vector<std::string> CatalogEngine::zone_sectags(std::string_view zone) {
    return m_session.transaction("show_zone_sectags", [&](db::Transaction& tx) {
        return db::sectags::of_zone(tx, detail::require_zone(tx, zone).id);
    });
}

void CatalogEngine::add_zone_sectag(std::string_view zone, std::string_view sectag) {
    m_session.transaction("add_zone_sectag", [&](db::Transaction& tx) {
        const auto z = detail::require_zone(tx, zone, true);
        require_sectag(tx, sectag);
        db::sectags::add_to_zone(tx, z.id, sectag);
        detail::audit(tx, m_caller, "add_zone_sectag", z.name, z.id,
                      detail::json_strings({{"sectag", sectag}}));
    });
}

void CatalogEngine::delete_zone_sectag(std::string_view zone, std::string_view sectag) {
    m_session.transaction("delete_zone_sectag", [&](db::Transaction& tx) {
        const auto z = detail::require_zone(tx, zone, true);
        if (!db::sectags::remove_from_zone(tx, z.id, sectag)) {
            throw Error(ErrorCode::zone_sectag_does_not_exist,
                        fmt::format("zone '{}' does not carry security tag '{}'", z.name, sectag));
        }
        detail::audit(tx, m_caller, "delete_zone_sectag", z.name, z.id,
                      detail::json_strings({{"sectag", sectag}}));
    });
}

void CatalogEngine::replace_zone_sectags(std::string_view zone,
                                         const std::vector<std::string>& sectags) {
    m_session.transaction("replace_zone_sectags", [&](db::Transaction& tx) {
        const auto z = detail::require_zone(tx, zone, true);
        for (const auto& s : sectags) {
            require_sectag(tx, s);
        }
        for (const auto& s : db::sectags::of_zone(tx, z.id)) {
            db::sectags::remove_from_zone(tx, z.id, s);
        }
        for (const auto& s : sectags) {
            db::sectags::add_to_zone(tx, z.id, s);
        }
        detail::audit(tx, m_caller, "replace_zone_sectags", z.name, z.id);
    });
}

std::vector<db::ZoneCfgRow> CatalogEngine::show_config() {
    return m_session.transaction("show_config",
                                 [](db::Transaction& tx) { return db::zone_cfg::list(tx); });
}

void CatalogEngine::set_config(std::string_view key, std::string_view value,
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

std::vector<std::string> CatalogEngine::apex_ns(std::string_view sg_name) {
    return m_session.transaction("show_apex_ns", [&](db::Transaction& tx) {
        auto name = std::string(sg_name);
        if (name.empty()) {
            name = db::zone_cfg::value(tx, "default_sg").value_or("");
        }
        return db::apex_ns::list(tx, name.empty() ? std::nullopt : sg_id_of(tx, name));
    });
}

void CatalogEngine::set_apex_ns(std::string_view sg_name, const std::vector<std::string>& names) {
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
