// SPDX-License-Identifier: GPL-3.0-or-later
#include "transition_grids.hpp"

#include <array>
#include <cstddef>

namespace dms::sm {
namespace {

using enum EventType;

namespace zone_grid {
// REFERENCE.md 3.1.2 as data, for zone_transition_action(): one line per event, one column per
// state (RESET shares CREATE's column), "." for a blank cell.
// clang-format off
struct GridLine {
    EventType event;
    std::string_view cells;
};
//                              INIT   BC_1   BC_2   CREATE UNCONF PUBL   UPDATE DISABL DELETED
constexpr std::array<GridLine, 26> grid{{
    {zone_do_config,           "DC     .      .      .      .      .      .      .      .  "},
    {zone_do_batch_config,     "DBC    .      .      .      .      .      .      .      .  "},
    {zone_batch_config,        ".      BC     .      .      .      .      .      .      .  "},
    {zone_reconfig_check,      ".      .      RC     .      .      .      .      .      .  "},
    {zone_config,              ".      .      .      C      .      .      .      .      .  "},
    {zone_reconfig_update,     ".      .      .      .      RU     .      .      .      .  "},
    {zone_update,              ".      .      .      .      .      U      .      .      .  "},
    {zone_edit_update,         ".      .      .      .      .      .      EU     .      .  "},
    {zone_do_reset,            "DR     DR     DR     DR     DR     DR     DR     F-RST  .  "},
    {zone_disable,             "F-INIT F-INIT F-INIT DIS    DIS    DIS    DIS    F-DIS  .  "},
    {zone_enable,              "F-EN   F-EN   F-EN   F-EN   F-EN   F-EN   F-EN   EN     .  "},
    {zone_delete,              "NUKE   NUKE   DEL    DEL    DEL    DEL    DEL    DEL    .  "},
    {zone_nuke_start,          "NUKE   NUKE   NUKE   NUKE   NUKE   NUKE   NUKE   NUKE   .  "},
    {zone_undelete,            ".      .      .      .      .      .      .      .      UND"},
    {zone_do_destroy,          ".      .      .      .      .      .      .      .      DES"},
    {zone_remove_zone_files,   ".      .      .      RZF    .      .      .      RZF    RZF"},
    {zone_do_reconfig,         ".      .      .      .      .      DRC    DRC    .      .  "},
    {zone_do_refresh,          ".      .      .      .      .      REF    REF    .      .  "},
    {zone_do_sg_swap,          "SWAP   SWAP   SWAP   SWAP   SWAP   SWAP   SWAP   SWAP   .  "},
    {zone_do_set_alt_sg,       "ALT    ALT    ALT    ALT    ALT    ALT    ALT    ALT    .  "},
    {zone_edit,                ".      .      .      ED     ED     ED     F-LCK  ED     .  "},
    {zone_edit_exit,           ".      .      .      EX     EX     EX     UEX    EX     .  "},
    {zone_edit_timeout,        ".      .      .      TO     TO     TO     .      TO     .  "},
    {zone_edit_lock_tickle,    ".      .      .      TK     TK     TK     .      TK     .  "},
    {zone_edit_saved,          ".      .      .      OES    OES    ES     F-NLK  OES    .  "},
    {zone_edit_saved_no_lock,  ".      ONL    ONL    ONL    ONL    NL     F-LCK  ONL    .  "},
}};
// clang-format on

constexpr std::size_t grid_width = 7; // characters per cell

std::size_t grid_column(ZoneState state) {
    switch (state) {
    case ZoneState::init:
        return 0;
    case ZoneState::batch_create_1:
        return 1;
    case ZoneState::batch_create_2:
        return 2;
    case ZoneState::create:
    case ZoneState::reset:
        return 3;
    case ZoneState::unconfig:
        return 4;
    case ZoneState::published:
        return 5;
    case ZoneState::update:
        return 6;
    case ZoneState::disabled:
        return 7;
    case ZoneState::deleted:
        return 8;
    }
    return 0;
}

} // namespace zone_grid

namespace master_grid {
// The table as data for master_transition_action(): READY, HOLD.
struct GridLine {
    EventType event;
    std::array<std::string_view, 2> cells;
};
constexpr std::array<GridLine, 8> grid{{
    {master_master_reconfig, {"MR", "HMR"}},
    {master_partial_reconfig, {"PR", "HPR"}},
    {master_all_reconfig, {"AR", "HAR"}},
    {master_hold_timeout, {"", "HT"}},
    {master_reset, {"RST", "RST"}},
    {master_load_keys, {"LK", "LK"}},
    {master_sign_zone, {"SZ", "SZ"}},
    {master_batch_hold, {"BH", "HBH"}},
}};

} // namespace master_grid

namespace server_grid {
// The table as data for server_transition_action(): DISABLED, CONFIG, OK, RETRY, BROKEN
// (the order of ServerState).
struct GridLine {
    EventType event;
    std::array<std::string_view, 5> cells;
};
constexpr std::array<GridLine, 6> grid{{
    {server_enable, {"EN", "AEN", "AEN", "AEN", "AEN"}},
    {server_disable, {"ADIS", "DIS", "DIS", "DIS", "DIS"}},
    {server_configure, {"", "CFG", "", "CFG", "CFG"}},
    {server_reset, {"", "CC", "CC", "CC", "CC"}},
    {server_config_change, {"", "", "CC", "", ""}},
    {server_check_server, {"", "", "CHK", "", ""}},
}};

} // namespace server_grid

} // namespace

std::string_view zone_transition_action(ZoneState state, EventType event) {
    for (const auto& line : zone_grid::grid) {
        if (line.event == event) {
            auto cell = line.cells.substr(zone_grid::grid_column(state) * zone_grid::grid_width,
                                          zone_grid::grid_width);
            cell = cell.substr(0, cell.find(' '));
            return cell == "." ? std::string_view() : cell;
        }
    }
    return {};
}

std::string_view master_transition_action(MasterState state, EventType event) {
    for (const auto& line : master_grid::grid) {
        if (line.event == event) {
            return line.cells[state == MasterState::ready ? 0 : 1];
        }
    }
    return {};
}

std::string_view server_transition_action(ServerState state, EventType event) {
    for (const auto& line : server_grid::grid) {
        if (line.event == event) {
            return line.cells[static_cast<std::size_t>(state)];
        }
    }
    return {};
}

} // namespace dms::sm
