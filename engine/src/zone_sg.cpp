// SPDX-License-Identifier: GPL-3.0-or-later
// A zone's server group and alternate server group: set_zone_sg, dupe_zone_alt_sg,
// delete_zone_alt_sg, swap_zone_sg (see sg_engine.hpp).
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/sg_engine.hpp"

#include "audit.hpp"
#include "sg_lookup.hpp"
#include "sg_reconfig.hpp"
#include "zone_events.hpp"
#include "zone_lookup.hpp"

namespace dms::engine {

using namespace detail;

namespace {

/// Audit row of a zone's SG change.
void audit_zone(db::Transaction& tx, const Caller& c, std::string_view op,
                const db::ZoneRecord& z) {
    audit(tx, c, op, z.name, z.id, json_strings({{"sg", z.sg_name}, {"alt_sg", z.alt_sg_name}}));
}

/// The zone as stored, with its SG names joined.
db::ZoneRecord reread(db::Transaction& tx, const db::ZoneRecord& z) {
    return *db::zones::find_by_id(tx, z.id);
}

} // namespace

ZoneSgChange SgEngine::set_zone_sg(std::string_view zone, std::string_view sg_name) {
    return m_session.transaction("set_zone_sg", [&](db::Transaction& tx) {
        auto z = require_zone(tx, zone, true);
        if (z.state != "DISABLED") {
            throw Error(ErrorCode::zone_not_disabled,
                        fmt::format("zone '{}' is {}: disable_zone it before moving it to "
                                    "another server group",
                                    z.name, z.state));
        }
        const auto sg = sg_or_default(tx, sg_name);
        if (z.sg_id == sg.id) {
            return ZoneSgChange{
                z, false, fmt::format("Zone '{}': in server group {} already", z.name, sg.name)};
        }
        if (z.alt_sg_id == sg.id) {
            throw Error(ErrorCode::usage,
                        fmt::format("server group '{}' is the alternate SG of zone '{}': use "
                                    "swap_zone_sg, or delete_zone_alt_sg first",
                                    sg.name, z.name));
        }
        z.sg_id = sg.id;
        db::zones::update(tx, z);
        z = reread(tx, z);
        audit_zone(tx, m_caller, "set_zone_sg", z);
        return ZoneSgChange{z, true,
                            fmt::format("Zone '{}': moved to server group {}", z.name, sg.name)};
    });
}

ZoneSgChange SgEngine::dupe_zone_alt_sg(std::string_view zone, std::string_view sg_name) {
    return m_session.transaction("dupe_zone_alt_sg", [&](db::Transaction& tx) {
        auto z = require_zone(tx, zone, true);
        const auto sg = require_sg(tx, sg_name, false);
        if (z.sg_id == sg.id) {
            throw Error(ErrorCode::usage,
                        fmt::format("server group '{}' is the SG of zone '{}' already: the "
                                    "alternate SG must be another",
                                    sg.name, z.name));
        }
        if (z.alt_sg_id == sg.id) {
            return ZoneSgChange{
                z, false, fmt::format("Zone '{}': alternate SG is {} already", z.name, sg.name)};
        }
        const auto old_alt = z.alt_sg_id;
        sm::ZoneEventParams p;
        p.alt_sg_name = sg.name;
        const auto outcome = run_zone_event(tx, m_config, z, sm::EventType::zone_do_set_alt_sg, p,
                                            m_caller.change_by());
        // The event reconfigures the new alternate SG; the one it replaces stops serving
        // the zone.
        if (old_alt) {
            if (const auto old = db::sgs::find_by_id(tx, *old_alt)) {
                queue_partial_reconfig(tx, *old);
            }
        }
        z = reread(tx, z);
        audit_zone(tx, m_caller, "dupe_zone_alt_sg", z);
        return ZoneSgChange{z, true, outcome.message};
    });
}

ZoneSgChange SgEngine::delete_zone_alt_sg(std::string_view zone) {
    return m_session.transaction("delete_zone_alt_sg", [&](db::Transaction& tx) {
        auto z = require_zone(tx, zone, true);
        if (!z.alt_sg_id) {
            return ZoneSgChange{z, false,
                                fmt::format("Zone '{}': no alternate SG to clear", z.name)};
        }
        sm::ZoneEventParams p; // no alt_sg_name: clear it (the event reconfigures the old one)
        const auto outcome = run_zone_event(tx, m_config, z, sm::EventType::zone_do_set_alt_sg, p,
                                            m_caller.change_by());
        z = reread(tx, z);
        audit_zone(tx, m_caller, "delete_zone_alt_sg", z);
        return ZoneSgChange{z, true, outcome.message};
    });
}

ZoneSgChange SgEngine::swap_zone_sg(std::string_view zone) {
    return m_session.transaction("swap_zone_sg", [&](db::Transaction& tx) {
        auto z = require_zone(tx, zone, true);
        if (!z.alt_sg_id) {
            throw Error(ErrorCode::zone_no_alt_sg_for_swap,
                        fmt::format("zone '{}' has no alternate SG to swap to (dupe_zone_alt_sg "
                                    "first)",
                                    z.name));
        }
        // Both SGs serve the zone before and after; the event reconfigures the new
        // primary's configuration and republishes.
        const auto outcome = run_zone_event(tx, m_config, z, sm::EventType::zone_do_sg_swap, {},
                                            m_caller.change_by());
        z = reread(tx, z);
        audit_zone(tx, m_caller, "swap_zone_sg", z);
        return ZoneSgChange{z, true, outcome.message};
    });
}

} // namespace dms::engine
