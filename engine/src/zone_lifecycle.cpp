// SPDX-License-Identifier: GPL-3.0-or-later
// Zone lifecycle operations: each is one ZoneSM event run in the caller's
// transaction (REFERENCE.md 3.1.3): delete, undelete, destroy, enable, disable, nuke,
// refresh, reset, and the flag and reference changes that lead to one.
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/references.hpp"
#include "dms/engine/zone_engine.hpp"

#include "audit.hpp"
#include "zone_events.hpp"
#include "zone_lookup.hpp"

namespace dms::engine {

using namespace detail;

namespace {

/// Audit row and log line of a lifecycle change.
void record_change(db::Transaction& tx, const Caller& c, std::string_view op,
                   const db::ZoneRecord& z, std::string details = "{}") {
    audit(tx, c, op, z.name, z.id, std::move(details));
    log::info("zone " + z.name, op, "by {}: state {}", c.change_by(), z.state);
}

} // namespace

db::ZoneRecord ZoneEngine::delete_zone(std::string_view name) {
    return m_session.transaction("delete_zone", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        run_zone_event(tx, m_config, z, sm::EventType::zone_delete, {}, m_caller.change_by());
        record_change(tx, m_caller, "delete_zone", z);
        return z;
    });
}

db::ZoneRecord ZoneEngine::undelete_zone(std::int64_t zone_id) {
    return m_session.transaction("undelete_zone", [&](db::Transaction& tx) {
        auto z = require_zone_by_id(tx, zone_id, true);
        if (z.state != "DELETED") {
            throw Error(ErrorCode::zone_not_deleted,
                        fmt::format("zone '{}' (id {}) is not deleted", z.name, z.id));
        }
        if (db::zones::other_live(tx, z.name, z.id)) {
            throw Error(ErrorCode::active_zone_exists,
                        fmt::format("zone '{}' already exists: delete it first", z.name));
        }
        run_zone_event(tx, m_config, z, sm::EventType::zone_undelete, {}, m_caller.change_by());
        record_change(tx, m_caller, "undelete_zone", z);
        return z;
    });
}

void ZoneEngine::destroy_zone(std::int64_t zone_id) {
    m_session.transaction("destroy_zone", [&](db::Transaction& tx) {
        auto z = require_zone_by_id(tx, zone_id, true);
        if (z.state != "DELETED") {
            throw Error(ErrorCode::zone_not_deleted,
                        fmt::format("zone '{}' (id {}) is not deleted", z.name, z.id));
        }
        run_zone_event(tx, m_config, z, sm::EventType::zone_do_destroy, {}, m_caller.change_by());
        audit(tx, m_caller, "destroy_zone", z.name, std::nullopt,
              fmt::format(R"({{"zone_id": {}}})", zone_id));
    });
}

db::ZoneRecord ZoneEngine::enable_zone(std::string_view name) {
    return m_session.transaction("enable_zone", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        run_zone_event(tx, m_config, z, sm::EventType::zone_enable, {}, m_caller.change_by());
        record_change(tx, m_caller, "enable_zone", z);
        return z;
    });
}

db::ZoneRecord ZoneEngine::disable_zone(std::string_view name) {
    return m_session.transaction("disable_zone", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        run_zone_event(tx, m_config, z, sm::EventType::zone_disable, {}, m_caller.change_by());
        record_change(tx, m_caller, "disable_zone", z);
        return z;
    });
}

std::vector<std::string> ZoneEngine::nuke_zones(const db::ZoneFilter& filter) {
    return m_session.transaction("nuke_zones", [&](db::Transaction& tx) {
        std::vector<std::string> names;
        for (auto z : db::zones::list(tx, filter)) {
            // Reverse zones are excluded, as in the original.
            if (z.name.ends_with(".in-addr.arpa.") || z.name.ends_with(".ip6.arpa.")) {
                continue;
            }
            z = require_zone_by_id(tx, z.id, true);
            run_zone_event(tx, m_config, z, sm::EventType::zone_nuke_start, {},
                           m_caller.change_by());
            record_change(tx, m_caller, "nuke_zones", z);
            names.push_back(z.name);
        }
        return names;
    });
}

db::ZoneRecord ZoneEngine::refresh_zone(std::string_view name, std::string_view zi_spec) {
    return m_session.transaction("refresh_zone", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        sm::ZoneEventParams p;
        if (!zi_spec.empty()) {
            p.zi_id = resolve_zi(tx, z, zi_spec);
        }
        run_zone_event(tx, m_config, z, sm::EventType::zone_do_refresh, p, m_caller.change_by());
        record_change(tx, m_caller, "refresh_zone", z,
                      p.zi_id ? fmt::format(R"({{"zi_id": {}}})", *p.zi_id) : "{}");
        return z;
    });
}

db::ZoneRecord ZoneEngine::set_zone(std::string_view name, const ZoneFlags& flags) {
    return m_session.transaction("set_zone", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        const auto before = z;
        auto set = [&](const std::optional<bool>& f, bool& field) {
            if (f) {
                field = *f;
            }
        };
        set(flags.use_apex_ns, z.use_apex_ns);
        set(flags.edit_lock, z.edit_lock);
        set(flags.auto_dnssec, z.auto_dnssec);
        set(flags.nsec3, z.nsec3);
        set(flags.inc_updates, z.inc_updates);
        db::zones::update(tx, z);
        // REFERENCE.md 7.6: DNSSEC changes reconfigure the zone; use_apex_ns republishes.
        if (z.auto_dnssec != before.auto_dnssec || (z.auto_dnssec && z.nsec3 != before.nsec3)) {
            run_zone_event(tx, m_config, z, sm::EventType::zone_do_reconfig, {},
                           m_caller.change_by());
            // And a reconfiguration of its own, never merged into a pending one: a
            // reconfiguration running now may have read the stanza before this commit
            // and wake the zone's events when done (a zone in UNCONFIG, or in CREATE
            // with its ZoneSMConfig running, has no DoReconfig at all). This one is
            // processed after the commit, so named gets the policy (or loses it).
            if (z.sg_id && z.state != "DISABLED" && z.state != "DELETED") {
                ZoneDbContext(tx, m_config).queue_unmerged_partial_reconfig(*z.sg_id);
            }
        } else if (z.use_apex_ns != before.use_apex_ns) {
            run_zone_event(tx, m_config, z, sm::EventType::zone_do_refresh, {},
                           m_caller.change_by());
        }
        record_change(tx, m_caller, "set_zone", z);
        return z;
    });
}

db::ZoneRecord ZoneEngine::set_zone_reference(std::string_view name, std::string_view reference) {
    return m_session.transaction("set_zone_reference", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        if (reference.empty()) {
            z.ref_id.reset();
        } else {
            auto r = db::references::find(tx, reference);
            if (!r) {
                throw Error(ErrorCode::reference_does_not_exist,
                            fmt::format("reference '{}' does not exist", reference));
            }
            z.ref_id = r->id;
        }
        db::zones::update(tx, z);
        record_change(tx, m_caller, "set_zone_reference", z);
        return *db::zones::find_by_id(tx, z.id);
    });
}

db::ZoneRecord ZoneEngine::reset_zonesm(std::string_view name, std::string_view zi_spec) {
    return m_session.transaction("reset_zonesm", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        sm::ZoneEventParams p;
        if (!zi_spec.empty()) {
            p.zi_id = resolve_zi(tx, z, zi_spec);
        }
        run_zone_event(tx, m_config, z, sm::EventType::zone_do_reset, p, m_caller.change_by());
        audit(tx, m_caller, "reset_zonesm", z.name, z.id,
              p.zi_id ? fmt::format(R"({{"zi_id": {}}})", *p.zi_id) : "{}");
        log::notice("zone " + z.name, "reset_zonesm", "by {}", m_caller.change_by());
        return z;
    });
}

std::vector<std::string> ZoneEngine::reset_all_zones() {
    return m_session.transaction("reset_all_zones", [&](db::Transaction& tx) {
        std::vector<std::string> names;
        for (const auto& listed : db::zones::list(tx, {})) {
            if (listed.state == "DISABLED" || listed.state == "DELETED") {
                continue;
            }
            auto z = require_zone_by_id(tx, listed.id, true);
            run_zone_event(tx, m_config, z, sm::EventType::zone_do_reset, {}, m_caller.change_by());
            names.push_back(z.name);
        }
        audit(tx, m_caller, "reset_all_zones", "", std::nullopt,
              fmt::format(R"({{"zones": {}}})", names.size()));
        return names;
    });
}

} // namespace dms::engine
