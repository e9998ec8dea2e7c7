// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The names that leave the process for the state machines: states, event types,
// event states and result codes. The database stores the stable names; the
// schema's CHECK constraints and its sm_event_types table list the same values
// (a db test compares them). Names are those of the original DMS.

#include <optional>
#include <span>
#include <string_view>

namespace dms::sm {

enum class ZoneState {
    init,
    create,
    reset,
    batch_create_1,
    batch_create_2,
    unconfig,
    published,
    update,
    disabled,
    deleted
};
enum class LockState { edit_unlock, edit_lock };
enum class MasterState { ready, hold };
enum class ServerState { disabled, config, ok, retry, broken };
enum class EventState { new_, retry, success, failure, cancelled };
enum class Machine { zone, master, server };

/// Result codes of processed events (REFERENCE.md 2.1).
enum class ResultCode {
    ok = 200,
    noeffect = 210,
    nochange = 220,
    error = 450,
    reset = 460,
    fatal = 550
};

// clang-format off
enum class EventType {
    // ZoneSM, queued
    zone_batch_config, zone_reconfig_check, zone_config, zone_reconfig_update, zone_update,
    zone_remove_zone_files, zone_edit_timeout, zone_edit_update,
    // ZoneSM, synchronous
    zone_do_reset, zone_do_batch_config, zone_do_config, zone_do_reconfig, zone_do_refresh,
    zone_do_sg_swap, zone_do_set_alt_sg, zone_enable, zone_disable, zone_delete, zone_nuke_start,
    zone_do_destroy, zone_undelete, zone_edit, zone_edit_saved_no_lock, zone_edit_exit,
    zone_edit_saved, zone_edit_lock_tickle,
    // MasterSM
    master_master_reconfig, master_partial_reconfig, master_all_reconfig, master_hold_timeout,
    master_reset, master_load_keys, master_sign_zone, master_batch_hold,
    // ServerSM
    server_enable, server_disable, server_reset, server_configure, server_config_change,
    server_check_server,
};
// clang-format on

template <typename E>
struct NameEntry {
    E value;
    std::string_view name;
    std::string_view description;
};

struct EventTypeEntry {
    EventType value;
    std::string_view name; ///< e.g. "ZoneSMUpdate"
    Machine machine;
    bool queued; ///< run by dmsd (true) or by the caller in its transaction (false)
};

std::span<const NameEntry<ZoneState>> zone_states();
std::span<const NameEntry<LockState>> lock_states();
std::span<const NameEntry<MasterState>> master_states();
std::span<const NameEntry<ServerState>> server_states();
std::span<const NameEntry<EventState>> event_states();
std::span<const NameEntry<ResultCode>> result_codes();
std::span<const EventTypeEntry> event_types();

std::string_view to_string(ZoneState v);
std::string_view to_string(LockState v);
std::string_view to_string(MasterState v);
std::string_view to_string(ServerState v);
std::string_view to_string(EventState v);
std::string_view to_string(ResultCode v);
std::string_view to_string(EventType v);
std::string_view to_string(Machine v);

/// Parse a stable name; std::nullopt if unknown. T is one of the enums above.
template <typename T>
std::optional<T> from_string(std::string_view name);

const EventTypeEntry& event_type_entry(EventType v);

} // namespace dms::sm
