// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/sectag_engine.hpp"

#include <cctype>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/db/sectags.hpp"

#include "audit.hpp"
#include "zone_lookup.hpp"

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

void require_sectag(db::Transaction& tx, std::string_view s) {
    if (!db::sectags::exists(tx, s)) {
        throw Error(ErrorCode::zone_sectag_does_not_exist,
                    fmt::format("security tag '{}' does not exist", s));
    }
}

} // namespace

SectagEngine::SectagEngine(db::Session& session, Caller caller)
    : m_session(session), m_caller(std::move(caller)) {}

std::vector<std::string> SectagEngine::list_sectags() {
    return m_session.transaction("show_sectags",
                                 [](db::Transaction& tx) { return db::sectags::list(tx); });
}

void SectagEngine::create_sectag(std::string_view sectag) {
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

void SectagEngine::delete_sectag(std::string_view sectag) {
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

std::vector<std::string> SectagEngine::zone_sectags(std::string_view zone) {
    return m_session.transaction("show_zone_sectags", [&](db::Transaction& tx) {
        return db::sectags::of_zone(tx, detail::require_zone(tx, zone).id);
    });
}

void SectagEngine::add_zone_sectag(std::string_view zone, std::string_view sectag) {
    m_session.transaction("add_zone_sectag", [&](db::Transaction& tx) {
        const auto z = detail::require_zone(tx, zone, true);
        require_sectag(tx, sectag);
        db::sectags::add_to_zone(tx, z.id, sectag);
        detail::audit(tx, m_caller, "add_zone_sectag", z.name, z.id,
                      detail::json_strings({{"sectag", sectag}}));
    });
}

void SectagEngine::delete_zone_sectag(std::string_view zone, std::string_view sectag) {
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

void SectagEngine::replace_zone_sectags(std::string_view zone,
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

} // namespace dms::engine
