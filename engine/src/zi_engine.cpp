// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/zi_engine.hpp"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/zone_validate.hpp"
#include "dms/db/sectags.hpp"
#include "dms/db/zone_cfg.hpp"

#include "audit.hpp"
#include "zone_content.hpp"
#include "zone_edit_lock.hpp"
#include "zone_events.hpp"
#include "zone_lookup.hpp"

namespace dms::engine {

using namespace detail;

namespace {

std::string zi_label(db::Transaction& tx, std::optional<std::int64_t> zi) {
    if (!zi) {
        return "none";
    }
    const auto h = db::zis::find(tx, *zi);
    if (!h) {
        return fmt::format("ZI {}", *zi);
    }
    return fmt::format("ZI {} (saved by {} at {:%Y-%m-%d %H:%M:%S} UTC)", *zi, h->change_by,
                       fmt::gmtime(std::chrono::system_clock::to_time_t(h->ctime)));
}

/// ZoneChangedError for a save whose copy was taken from candidate `base`.
[[noreturn]] void throw_zone_changed(db::Transaction& tx, const db::ZoneRecord& zone,
                                     std::int64_t base) {
    throw ZoneChangedError(fmt::format("zone '{}' changed since this copy was taken from ZI {}: "
                                       "its newest ZI is now {}; nothing saved",
                                       zone.name, base, zi_label(tx, zone.zi_candidate_id)),
                           base, zone.zi_candidate_id);
}

ZoneView make_view(db::Transaction& tx, db::ZoneRecord zone, std::int64_t zi_id) {
    ZoneView v;
    auto data = db::zis::load(tx, zi_id, &v.zi);
    if (!data) {
        throw Error(ErrorCode::zi_not_found, fmt::format("ZI {} not found", zi_id));
    }
    v.data = std::move(*data);
    v.data.name = zone.name;
    v.data.reference = zone.reference;
    v.sectags = db::sectags::of_zone(tx, zone.id);
    v.zone = std::move(zone);
    return v;
}

} // namespace

ZiEngine::ZiEngine(db::Session& session, const Config& config, Caller caller)
    : m_session(session), m_config(config), m_caller(std::move(caller)) {}

std::vector<db::ZiRecord> ZiEngine::list_zis(std::string_view name) {
    return m_session.transaction("list_zis", [&](db::Transaction& tx) {
        return db::zis::list(tx, require_zone(tx, name).id);
    });
}

ZoneView ZiEngine::show_zone(std::string_view name, std::string_view zi_spec) {
    return m_session.transaction("show_zone", [&](db::Transaction& tx) {
        auto zone = require_zone(tx, name);
        const auto zi = resolve_zi(tx, zone, zi_spec);
        return make_view(tx, std::move(zone), zi);
    });
}

ZoneView ZiEngine::show_zone_by_id(std::int64_t zone_id, std::string_view zi_spec) {
    return m_session.transaction("show_zone", [&](db::Transaction& tx) {
        auto zone = require_zone_by_id(tx, zone_id);
        const auto zi = resolve_zi(tx, zone, zi_spec);
        return make_view(tx, std::move(zone), zi);
    });
}

ZoneView ZiEngine::edit_view(std::string_view name, std::string_view zi_spec) {
    return m_session.transaction("edit_view", [&](db::Transaction& tx) {
        auto zone = require_zone(tx, name);
        const auto zi = zi_spec.empty() && zone.zi_candidate_id ? *zone.zi_candidate_id
                                                                : resolve_zi(tx, zone, zi_spec);
        return make_view(tx, std::move(zone), zi);
    });
}

ZoneView ZiEngine::show_zi_by_id(std::int64_t zi_id) {
    return m_session.transaction("show_zi", [&](db::Transaction& tx) {
        const auto h = db::zis::find(tx, zi_id);
        if (!h) {
            throw Error(ErrorCode::zi_not_found, fmt::format("ZI {} not found", zi_id));
        }
        return make_view(tx, require_zone_by_id(tx, h->zone_id), zi_id);
    });
}

std::int64_t ZiEngine::save_zone_content(std::string_view name, ZoneData content,
                                         std::optional<std::int64_t> edit_lock_token,
                                         std::optional<std::int64_t> expected_base) {
    return m_session.transaction("save_zone", [&](db::Transaction& tx) {
        // The row stays locked until commit: a concurrent save waits here and then sees
        // this one's candidate.
        auto zone = require_zone(tx, name, true);
        if (expected_base && zone.zi_candidate_id != expected_base) {
            throw_zone_changed(tx, zone, *expected_base);
        }
        if (zone.edit_lock_token != edit_lock_token) {
            // not this save's own lock
            release_lock_of_gone_holder(tx, m_config, m_caller, zone);
        }
        content.name = zone.name;
        if (const auto f = validate_zone(content, validate_options(m_config, zone.use_apex_ns));
            has_errors(f)) {
            throw_findings(zone.name, f);
        }
        if (content.zone_ttl.empty()) {
            content.zone_ttl = db::zone_cfg::value(tx, "zone_ttl", zone.sg_id).value_or("1h");
        }
        db::zis::InsertOptions io;
        io.change_by = m_caller.change_by();
        const auto zi = db::zis::insert(tx, zone.id, content, io);
        sm::ZoneEventParams p;
        p.zi_id = zi;
        p.edit_lock_token = edit_lock_token;
        const auto type = (zone.edit_lock && edit_lock_token)
                              ? sm::EventType::zone_edit_saved
                              : sm::EventType::zone_edit_saved_no_lock;
        const auto outcome = run_zone_event(tx, m_config, zone, type, p, m_caller.change_by());
        if (outcome.no_transition) {
            // A save the machine did not take would be stored and never published.
            throw Error(ErrorCode::zone_sm_failure,
                        fmt::format("zone '{}' not saved: {}", zone.name, outcome.message));
        }
        audit(tx, m_caller, "save_zone", zone.name, zone.id, fmt::format(R"({{"zi_id": {}}})", zi));
        log::info("zone " + zone.name, "save_zone", "ZI {} saved by {}", zi, m_caller.change_by());
        return zi;
    });
}

std::int64_t ZiEngine::load_zone_zi(std::string_view text, std::string_view name,
                                    std::string_view file_name) {
    const auto zname = zone_name_or_throw(name);
    // save_zone_content validates
    auto check = check_zone_text(m_config, text, zname, false, false);
    if (!check.ok()) {
        throw_findings(file_name, check.findings);
    }
    normalize_ttls(check.zone);
    return save_zone_content(zname, std::move(check.zone));
}

std::int64_t ZiEngine::refresh_zone_ttl(std::string_view name, std::string_view zone_ttl) {
    // A copy of the candidate with another zone TTL, saved only if the candidate is still
    // that ZI; a save in between makes it start again from the new candidate.
    for (int attempt = 1;; ++attempt) {
        auto view = edit_view(name);
        std::string ttl(zone_ttl);
        if (ttl.empty()) {
            ttl = m_session.transaction("zone_ttl", [&](db::Transaction& tx) {
                return db::zone_cfg::value(tx, "zone_ttl", view.zone.sg_id).value_or("1h");
            });
        }
        if (!parse_ttl(ttl)) {
            throw Error(ErrorCode::usage, fmt::format("'{}' is not a TTL", ttl));
        }
        view.data.zone_ttl = ttl;
        try {
            return save_zone_content(view.zone.name, std::move(view.data), std::nullopt,
                                     view.zone.zi_candidate_id);
        } catch (const ZoneChangedError&) {
            if (attempt == 3) {
                throw;
            }
        }
    }
}

std::int64_t ZiEngine::copy_zi(std::string_view src, std::string_view dst,
                               std::string_view zi_spec) {
    return m_session.transaction("copy_zi", [&](db::Transaction& tx) {
        auto from = require_zone(tx, src);
        auto to = require_zone(tx, dst, true);
        const auto src_zi = resolve_zi(tx, from, zi_spec);
        db::ZiRecord h;
        auto data = db::zis::load(tx, src_zi, &h);
        data->name = to.name;
        for (auto& g : data->groups) {
            if (g.tag == apex_rr_tag) {
                g.comment = apex_comment_for(to.name);
            }
        }
        db::zis::InsertOptions io;
        io.change_by = h.change_by;
        io.ctime = h.ctime;
        io.mtime = h.mtime;
        const auto zi = db::zis::insert(tx, to.id, *data, io);
        audit(tx, m_caller, "copy_zi", to.name, to.id,
              fmt::format(R"({{"from_zi": {}, "zi_id": {}}})", src_zi, zi));
        return zi;
    });
}

void ZiEngine::delete_zi(std::string_view name, std::string_view zi_spec) {
    m_session.transaction("delete_zi", [&](db::Transaction& tx) {
        auto zone = require_zone(tx, name, true);
        const auto zi = resolve_zi(tx, zone, zi_spec);
        if (zone.zi_id == zi || zone.zi_candidate_id == zi) {
            throw Error(
                ErrorCode::zi_in_use,
                fmt::format("ZI {} of zone '{}' is the published or candidate ZI", zi, zone.name));
        }
        db::zis::remove(tx, zone.id, zi);
        audit(tx, m_caller, "delete_zi", zone.name, zone.id, fmt::format(R"({{"zi_id": {}}})", zi));
    });
}

} // namespace dms::engine
