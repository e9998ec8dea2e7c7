// SPDX-License-Identifier: GPL-3.0-or-later
// Operations on how a zone is published: reset, zone TTL, SOA serial pokes
// (REFERENCE.md 5.2, 7.3).
#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/serial.hpp"
#include "dms/db/zone_cfg.hpp"
#include "dms/engine/zone_engine.hpp"

#include "zone_events.hpp"
#include "zone_util.hpp"

namespace dms::engine {

using namespace detail;

namespace {

void require_published(const db::ZoneRecord& z) {
    if (z.state != "PUBLISHED") {
        throw Error(ErrorCode::zone_not_published,
                    fmt::format("zone '{}' is {}, not PUBLISHED", z.name, z.state));
    }
}

} // namespace

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

std::int64_t ZoneEngine::refresh_zone_ttl(std::string_view name, std::string_view zone_ttl) {
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

db::ZoneRecord ZoneEngine::poke_zone_set_serial(std::string_view name, std::uint64_t value,
                                                bool force_update) {
    serial::check_range(value);
    const auto candidate = static_cast<serial::Serial>(value);
    return m_session.transaction("poke_zone_set_serial", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        require_published(z);
        // What named serves is the serial dms published; dmsd checks again against
        // named itself when it publishes.
        serial::SerialRequest req;
        req.mode = serial::SerialRequest::Mode::candidate;
        req.candidate = candidate;
        req.current = static_cast<serial::Serial>(z.soa_serial.value_or(0));
        req.published = req.current;
        if (!serial::candidate_used(req, serial::next_serial(req))) {
            throw Error(ErrorCode::soa_serial_candidate_ignored,
                        fmt::format("zone '{}': serial {} would not be used: it is not ahead of "
                                    "{} within the RFC 1982 window",
                                    z.name, candidate, req.current));
        }
        sm::ZoneEventParams p;
        p.candidate_soa_serial = candidate;
        p.force_soa_serial_update = force_update;
        run_zone_event(tx, m_config, z, sm::EventType::zone_do_refresh, p, m_caller.change_by());
        audit(tx, m_caller, "poke_zone_set_serial", z.name, z.id,
              fmt::format(R"({{"serial": {}}})", candidate));
        return z;
    });
}

db::ZoneRecord ZoneEngine::poke_zone_wrap_serial(std::string_view name) {
    return m_session.transaction("poke_zone_wrap_serial", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        require_published(z);
        sm::ZoneEventParams p;
        p.wrap_soa_serial = true;
        run_zone_event(tx, m_config, z, sm::EventType::zone_do_refresh, p, m_caller.change_by());
        audit(tx, m_caller, "poke_zone_wrap_serial", z.name, z.id);
        return z;
    });
}

} // namespace dms::engine
