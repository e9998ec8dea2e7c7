// SPDX-License-Identifier: GPL-3.0-or-later
// Edit locks (see zone_engine.hpp): taking, tickling and releasing one, and releasing a
// lock whose holder process, on this host, has exited (EditExit).
#include "zone_edit_lock.hpp"

#include "dms/core/logging.hpp"
#include "dms/engine/zone_engine.hpp"

#include "audit.hpp"
#include "zone_events.hpp"
#include "zone_lookup.hpp"

namespace dms::engine {

namespace detail {

bool release_lock_of_gone_holder(db::Transaction& tx, const Config& config, const Caller& caller,
                                 db::ZoneRecord& z) {
    if (z.lock_state != "EDIT_LOCK" || !z.edit_lock_token || z.state == "UPDATE") {
        return false; // in UPDATE a saved edit is being published; EditUpdate unlocks
    }
    const auto holder = parse_lock_holder(z.locked_by);
    if (!holder || holder_state(*holder) != HolderState::gone) {
        return false;
    }
    const auto held_by = z.locked_by;
    const auto token = *z.edit_lock_token;
    sm::ZoneEventParams p;
    p.edit_lock_token = token;
    run_zone_event(tx, config, z, sm::EventType::zone_edit_exit, p, caller.change_by());
    audit(tx, caller, "clear_edit_lock", z.name, z.id,
          json_strings({{"edit_lock_token", std::to_string(token)},
                        {"held_by", held_by},
                        {"reason", "the holder process has exited"}}));
    log::notice("zone " + z.name, "clear_edit_lock",
                "edit lock {} of '{}' released: the holder process has exited", token, held_by);
    return true;
}

} // namespace detail

using namespace detail;

std::optional<std::int64_t> ZoneEngine::edit_lock(std::string_view name) {
    return m_session.transaction("edit_lock", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        if (!z.edit_lock) {
            return std::optional<std::int64_t>(); // the zone does not use edit locking
        }
        release_lock_of_gone_holder(tx, m_config, m_caller, z);
        sm::ZoneEventParams p;
        p.locked_by = m_caller.change_by();
        if (m_caller.process) {
            p.locked_by += lock_holder_suffix(*m_caller.process);
        }
        return run_zone_event(tx, m_config, z, sm::EventType::zone_edit, p, m_caller.change_by())
            .edit_lock_token;
    });
}

void ZoneEngine::tickle_edit_lock(std::string_view name, std::int64_t token) {
    m_session.transaction("tickle_edit_lock", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        sm::ZoneEventParams p;
        p.edit_lock_token = token;
        run_zone_event(tx, m_config, z, sm::EventType::zone_edit_lock_tickle, p,
                       m_caller.change_by());
    });
}

void ZoneEngine::release_edit_lock(std::string_view name, std::optional<std::int64_t> token) {
    m_session.transaction("release_edit_lock", [&](db::Transaction& tx) {
        auto z = require_zone(tx, name, true);
        if (release_lock_of_gone_holder(tx, m_config, m_caller, z)) {
            return; // whatever token was given: the lock is gone with its holder
        }
        sm::ZoneEventParams p;
        p.edit_lock_token = token;
        run_zone_event(tx, m_config, z, sm::EventType::zone_edit_exit, p, m_caller.change_by());
        audit(tx, m_caller, "clear_edit_lock", z.name, z.id);
        log::info("zone " + z.name, "clear_edit_lock", "by {}: state {}", m_caller.change_by(),
                  z.state);
    });
}

} // namespace dms::engine
