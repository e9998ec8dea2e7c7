// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/sm/names.hpp"

#include <array>

namespace dms::sm {
namespace {

// clang-format off
constexpr std::array<NameEntry<ZoneState>, 10> zone_state_table{{
    {ZoneState::init,           "INIT",           "created, content not yet configured"},
    {ZoneState::create,         "CREATE",         "zone file to be written"},
    {ZoneState::reset,          "RESET",          "being re-created from the database"},
    {ZoneState::batch_create_1, "BATCH_CREATE_1", "bulk load: zone file to be written"},
    {ZoneState::batch_create_2, "BATCH_CREATE_2", "bulk load: waiting for named to load it"},
    {ZoneState::unconfig,       "UNCONFIG",       "file written, waiting for named reconfig"},
    {ZoneState::published,      "PUBLISHED",      "served by the master"},
    {ZoneState::update,         "UPDATE",         "a saved edit is being published"},
    {ZoneState::disabled,       "DISABLED",       "kept in the database, not served"},
    {ZoneState::deleted,        "DELETED",        "deleted, kept for undelete until vacuumed"},
}};

constexpr std::array<NameEntry<LockState>, 2> lock_state_table{{
    {LockState::edit_unlock, "EDIT_UNLOCK", "no edit lock held"},
    {LockState::edit_lock,   "EDIT_LOCK",   "an editor holds the edit lock"},
}};

constexpr std::array<NameEntry<MasterState>, 2> master_state_table{{
    {MasterState::ready, "READY", "reconfigure named at once"},
    {MasterState::hold,  "HOLD",  "coalescing reconfiguration requests until hold_stop"},
}};

constexpr std::array<NameEntry<ServerState>, 5> server_state_table{{
    {ServerState::disabled, "DISABLED", "not managed"},
    {ServerState::config,   "CONFIG",   "configuration being sent"},
    {ServerState::ok,       "OK",       "configured and answering"},
    {ServerState::retry,    "RETRY",    "unreachable or a step failed; retrying"},
    {ServerState::broken,   "BROKEN",   "answers are malformed or broken; retrying"},
}};

constexpr std::array<NameEntry<EventState>, 5> event_state_table{{
    {EventState::new_,      "NEW",       "waiting to run"},
    {EventState::retry,     "RETRY",     "failed transiently; will run again"},
    {EventState::success,   "SUCCESS",   "processed"},
    {EventState::failure,   "FAILURE",   "failed for good"},
    {EventState::cancelled, "CANCELLED", "cancelled before it ran"},
}};

constexpr std::array<NameEntry<ResultCode>, 6> result_code_table{{
    {ResultCode::ok,       "OK",       "done"},
    {ResultCode::noeffect, "NOEFFECT", "done, nothing needed changing"},
    {ResultCode::nochange, "NOCHANGE", "no transition in the current state"},
    {ResultCode::error,    "ERROR",    "recoverable error"},
    {ResultCode::reset,    "RESET",    "machine reset"},
    {ResultCode::fatal,    "FATAL",    "unrecoverable error"},
}};

using enum EventType;
using enum Machine;
constexpr std::array<EventTypeEntry, 40> event_type_table{{
    {zone_batch_config,        "ZoneSMBatchConfig",        zone,   true},
    {zone_reconfig_check,      "ZoneSMReconfigCheck",      zone,   true},
    {zone_config,              "ZoneSMConfig",             zone,   true},
    {zone_reconfig_update,     "ZoneSMReconfigUpdate",     zone,   true},
    {zone_update,              "ZoneSMUpdate",             zone,   true},
    {zone_remove_zone_files,   "ZoneSMRemoveZoneFiles",    zone,   true},
    {zone_edit_timeout,        "ZoneSMEditTimeout",        zone,   true},
    {zone_edit_update,         "ZoneSMEditUpdate",         zone,   true},
    {zone_do_reset,            "ZoneSMDoReset",            zone,   false},
    {zone_do_batch_config,     "ZoneSMDoBatchConfig",      zone,   false},
    {zone_do_config,           "ZoneSMDoConfig",           zone,   false},
    {zone_do_reconfig,         "ZoneSMDoReconfig",         zone,   false},
    {zone_do_refresh,          "ZoneSMDoRefresh",          zone,   false},
    {zone_do_sg_swap,          "ZoneSMDoSgSwap",           zone,   false},
    {zone_do_set_alt_sg,       "ZoneSMDoSetAltSg",         zone,   false},
    {zone_enable,              "ZoneSMEnable",             zone,   false},
    {zone_disable,             "ZoneSMDisable",            zone,   false},
    {zone_delete,              "ZoneSMDelete",             zone,   false},
    {zone_nuke_start,          "ZoneSMNukeStart",          zone,   false},
    {zone_do_destroy,          "ZoneSMDoDestroy",          zone,   false},
    {zone_undelete,            "ZoneSMUndelete",           zone,   false},
    {zone_edit,                "ZoneSMEdit",               zone,   false},
    {zone_edit_saved_no_lock,  "ZoneSMEditSavedNoLock",    zone,   false},
    {zone_edit_exit,           "ZoneSMEditExit",           zone,   false},
    {zone_edit_saved,          "ZoneSMEditSaved",          zone,   false},
    {zone_edit_lock_tickle,    "ZoneSMEditLockTickle",     zone,   false},
    {master_master_reconfig,   "MasterSMMasterReconfig",   master, true},
    {master_partial_reconfig,  "MasterSMPartialReconfig",  master, true},
    {master_all_reconfig,      "MasterSMAllReconfig",      master, true},
    {master_hold_timeout,      "MasterSMHoldTimeout",      master, true},
    {master_reset,             "MasterSMReset",            master, true},
    {master_load_keys,         "MasterSMLoadKeys",         master, true},
    {master_sign_zone,         "MasterSMSignZone",         master, true},
    {master_batch_hold,        "MasterSMBatchHold",        master, false},
    {server_enable,            "ServerSMEnable",           server, false},
    {server_disable,           "ServerSMDisable",          server, false},
    {server_reset,             "ServerSMReset",            server, false},
    {server_configure,         "ServerSMConfigure",        server, true},
    {server_config_change,     "ServerSMConfigChange",     server, true},
    {server_check_server,      "ServerSMCheckServer",      server, true},
}};
// clang-format on

template <typename Table, typename E>
std::string_view name_of(const Table& table, E v) {
    for (const auto& e : table) {
        if (e.value == v) {
            return e.name;
        }
    }
    return "?";
}

template <typename Table>
auto parse(const Table& table, std::string_view name) -> std::optional<decltype(table[0].value)> {
    for (const auto& e : table) {
        if (e.name == name) {
            return e.value;
        }
    }
    return std::nullopt;
}

} // namespace

std::span<const NameEntry<ZoneState>> zone_states() {
    return zone_state_table;
}
std::span<const NameEntry<LockState>> lock_states() {
    return lock_state_table;
}
std::span<const NameEntry<MasterState>> master_states() {
    return master_state_table;
}
std::span<const NameEntry<ServerState>> server_states() {
    return server_state_table;
}
std::span<const NameEntry<EventState>> event_states() {
    return event_state_table;
}
std::span<const NameEntry<ResultCode>> result_codes() {
    return result_code_table;
}
std::span<const EventTypeEntry> event_types() {
    return event_type_table;
}

std::string_view to_string(ZoneState v) {
    return name_of(zone_state_table, v);
}
std::string_view to_string(LockState v) {
    return name_of(lock_state_table, v);
}
std::string_view to_string(MasterState v) {
    return name_of(master_state_table, v);
}
std::string_view to_string(ServerState v) {
    return name_of(server_state_table, v);
}
std::string_view to_string(EventState v) {
    return name_of(event_state_table, v);
}
std::string_view to_string(ResultCode v) {
    return name_of(result_code_table, v);
}
std::string_view to_string(EventType v) {
    return name_of(event_type_table, v);
}
std::string_view to_string(Machine v) {
    switch (v) {
    case Machine::zone:
        return "ZoneSM";
    case Machine::master:
        return "MasterSM";
    case Machine::server:
        return "ServerSM";
    }
    return "?";
}

const EventTypeEntry& event_type_entry(EventType v) {
    for (const auto& e : event_type_table) {
        if (e.value == v) {
            return e;
        }
    }
    return event_type_table.front();
}

template <>
std::optional<ZoneState> from_string<ZoneState>(std::string_view n) {
    return parse(zone_state_table, n);
}
template <>
std::optional<LockState> from_string<LockState>(std::string_view n) {
    return parse(lock_state_table, n);
}
template <>
std::optional<MasterState> from_string<MasterState>(std::string_view n) {
    return parse(master_state_table, n);
}
template <>
std::optional<ServerState> from_string<ServerState>(std::string_view n) {
    return parse(server_state_table, n);
}
template <>
std::optional<EventState> from_string<EventState>(std::string_view n) {
    return parse(event_state_table, n);
}
template <>
std::optional<ResultCode> from_string<ResultCode>(std::string_view n) {
    return parse(result_code_table, n);
}
template <>
std::optional<EventType> from_string<EventType>(std::string_view n) {
    return parse(event_type_table, n);
}

} // namespace dms::sm
