// SPDX-License-Identifier: GPL-3.0-or-later
// SOA serial pokes: publishing with a given serial, or with the serial wrapped
// (REFERENCE.md 5.2, 7.3).
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/serial.hpp"
#include "dms/engine/zone_engine.hpp"

#include "audit.hpp"
#include "zone_events.hpp"
#include "zone_lookup.hpp"

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
