// SPDX-License-Identifier: GPL-3.0-or-later
// ZoneSM as a Boost.MSM machine (functor front end). This is the one translation unit
// that includes Boost.MSM; the actions live in zone_sm_actions.cpp.
//
// How a machine restores its state and reports failures: machine_def.hpp.
//
// Actions with more than one possible next state (C, RC, U, RU, EU) do all their work,
// remember named's answer in the ZoneSmRun and move to a choice pseudo-state whose
// completion rows only branch on that answer. Completion rows must not run actions that
// can throw: MSM would retry the completion transition forever. An action that refuses or
// must be retried throws: MSM calls exception_caught and the state stays the source.

#include "dms/sm/msm_limits.hpp"
// (The MPL limits above must come before any Boost header.)
#include "dms/sm/zone_sm.hpp"

#include "machine_def.hpp"
#include "zone_sm_actions.hpp"

namespace dms::sm {
namespace {

namespace mpl = boost::mpl;
using namespace detail::machine;
using detail::ZoneSmRun;
using msm::front::none;
using msm::front::Row;

template <EventType T>
using ZoneEv = Ev<T>;
using BatchConfig = ZoneEv<EventType::zone_batch_config>;
using ReconfigCheck = ZoneEv<EventType::zone_reconfig_check>;
using Config = ZoneEv<EventType::zone_config>;
using ReconfigUpdate = ZoneEv<EventType::zone_reconfig_update>;
using Update = ZoneEv<EventType::zone_update>;
using RemoveZoneFiles = ZoneEv<EventType::zone_remove_zone_files>;
using EditTimeout = ZoneEv<EventType::zone_edit_timeout>;
using EditUpdate = ZoneEv<EventType::zone_edit_update>;
using DoReset = ZoneEv<EventType::zone_do_reset>;
using DoBatchConfig = ZoneEv<EventType::zone_do_batch_config>;
using DoConfig = ZoneEv<EventType::zone_do_config>;
using DoReconfig = ZoneEv<EventType::zone_do_reconfig>;
using DoRefresh = ZoneEv<EventType::zone_do_refresh>;
using DoSgSwap = ZoneEv<EventType::zone_do_sg_swap>;
using DoSetAltSg = ZoneEv<EventType::zone_do_set_alt_sg>;
using Enable = ZoneEv<EventType::zone_enable>;
using Disable = ZoneEv<EventType::zone_disable>;
using Delete = ZoneEv<EventType::zone_delete>;
using NukeStart = ZoneEv<EventType::zone_nuke_start>;
using DoDestroy = ZoneEv<EventType::zone_do_destroy>;
using Undelete = ZoneEv<EventType::zone_undelete>;
using Edit = ZoneEv<EventType::zone_edit>;
using EditSavedNoLock = ZoneEv<EventType::zone_edit_saved_no_lock>;
using EditExit = ZoneEv<EventType::zone_edit_exit>;
using EditSaved = ZoneEv<EventType::zone_edit_saved>;
using EditLockTickle = ZoneEv<EventType::zone_edit_lock_tickle>;

using ZoneEvents =
    EventList<BatchConfig, ReconfigCheck, Config, ReconfigUpdate, Update, RemoveZoneFiles,
              EditTimeout, EditUpdate, DoReset, DoBatchConfig, DoConfig, DoReconfig, DoRefresh,
              DoSgSwap, DoSetAltSg, Enable, Disable, Delete, NukeStart, DoDestroy, Undelete, Edit,
              EditSavedNoLock, EditExit, EditSaved, EditLockTickle>;

using Restore = detail::machine::Restore<ZoneState>;

// States.
struct Init : Persisted<ZoneState::init> {};
struct Create : Persisted<ZoneState::create> {};
struct Reset : Persisted<ZoneState::reset> {};
struct BatchCreate1 : Persisted<ZoneState::batch_create_1> {};
struct BatchCreate2 : Persisted<ZoneState::batch_create_2> {};
struct Unconfig : Persisted<ZoneState::unconfig> {};
struct Published : Persisted<ZoneState::published> {};
struct Updating : Persisted<ZoneState::update> {}; // UPDATE
struct Disabled : Persisted<ZoneState::disabled> {};
struct Deleted : Persisted<ZoneState::deleted> {};
using Loading = Pseudo<ZoneState>;           // before Restore
struct ConfigChoice : Pseudo<ZoneState> {};  // C: named serves the zone or not
struct CheckChoice : Pseudo<ZoneState> {};   // RC: named loaded the zone or not
struct PublishChoice : Pseudo<ZoneState> {}; // U, RU, EU: published or lost

using Dc = Act<&detail::do_config>;
using Dbc = Act<&detail::do_batch_config>;
using Bc = Act<&detail::batch_config>;
using Rc = Act<&detail::reconfig_check>;
using C = Act<&detail::config>;
using U = Act<&detail::publish>;
using Ru = Act<&detail::publish>;
using Eu = Act<&detail::edit_update>;
using Dr = Act<&detail::do_reset>;
using Dis = Act<&detail::disable>;
using En = Act<&detail::enable>;
using Del = Act<&detail::delete_zone>;
using Nuke = Act<&detail::nuke_start>;
using Und = Act<&detail::undelete>;
using Des = Act<&detail::do_destroy>;
using Rzf = Act<&detail::remove_zone_files>;
using Drc = Act<&detail::do_reconfig>;
using Ref = Act<&detail::do_refresh>;
using Swap = Act<&detail::do_sg_swap>;
using Alt = Act<&detail::do_set_alt_sg>;
using Ed = Act<&detail::edit>;
using Ex = Act<&detail::edit_exit>;
using To = Act<&detail::edit_timeout>;
using Tk = Act<&detail::edit_lock_tickle>;
using Es = Act<&detail::edit_saved_to_update>;
using Oes = Act<&detail::other_edit_saved>;
using Nl = Act<&detail::edit_saved_no_lock>;
using Onl = Act<&detail::other_edit_saved_no_lock>;
using Uex = Act<&detail::update_edit_exit>;
using FInit = Act<&detail::fail_init>;
using FEn = Act<&detail::fail_already_enabled>;
using FDis = Act<&detail::fail_already_disabled>;
using FRst = Act<&detail::fail_reset_disabled>;
using FLck = Act<&detail::fail_edit_locked>;
using FNlk = Act<&detail::fail_not_edit_locked>;

using AutoDnssec = If<&detail::auto_dnssec>;
using NamedServes = If<&detail::named_serves>;
using PublicationDone = If<&detail::publication_done>;
using NamedLostZone = If<&detail::named_lost_zone>;

struct ZoneSmDef : MachineDef<ZoneSmDef, ZoneState, ZoneSmRun, &detail::no_transition> {
    using MachineDef::MachineDef;

    // REFERENCE.md 3.1.2, in its row order. Target "none": internal transition, the state
    // stays. Rows with the same source and event are told apart by their guards.
    // 135 rows: the 118 filled cells (CREATE and RESET each with their own), the DBC
    // fallback for DNSSEC zones, 6 completion rows of the 3 choice states, 10 restore rows.
    // Three cells differ from REFERENCE.md 3.1.2, where they were blank and a save was
    // taken and silently dropped: EditSavedNoLock in BATCH_CREATE_1/2 (ONL) and in
    // UPDATE (F-LCK).
    // clang-format off
    struct transition_table : mpl::vector<
        //    Source         Event            Target         Action         Guard
        // --- creation
        Row < Init,          DoConfig,        Create,        Dc                                >,
        Row < Init,          DoBatchConfig,   BatchCreate1,  Dbc,           Not<AutoDnssec>    >,
        Row < Init,          DoBatchConfig,   Create,        Dc,            AutoDnssec         >,
        Row < BatchCreate1,  BatchConfig,     BatchCreate2,  Bc                                >,
        Row < BatchCreate2,  ReconfigCheck,   CheckChoice,   Rc                                >,
        Row < CheckChoice,   none,            Published,     none,          NamedServes        >,
        Row < CheckChoice,   none,            Create,        none,          Not<NamedServes>   >,
        Row < Create,        Config,          ConfigChoice,  C                                 >,
        Row < Reset,         Config,          ConfigChoice,  C                                 >,
        Row < ConfigChoice,  none,            Reset,         none,          NamedServes        >,
        Row < ConfigChoice,  none,            Unconfig,      none,          Not<NamedServes>   >,
        // --- publication
        Row < Unconfig,      ReconfigUpdate,  PublishChoice, Ru                                >,
        Row < Published,     Update,          PublishChoice, U                                 >,
        Row < Updating,      EditUpdate,      PublishChoice, Eu                                >,
        Row < PublishChoice, none,            Published,     none,          PublicationDone    >,
        Row < PublishChoice, none,            Unconfig,      none,          NamedLostZone      >,
        // --- reset
        Row < Init,          DoReset,         Reset,         Dr                                >,
        Row < BatchCreate1,  DoReset,         Reset,         Dr                                >,
        Row < BatchCreate2,  DoReset,         Reset,         Dr                                >,
        Row < Create,        DoReset,         Reset,         Dr                                >,
        Row < Reset,         DoReset,         Reset,         Dr                                >,
        Row < Unconfig,      DoReset,         Reset,         Dr                                >,
        Row < Published,     DoReset,         Reset,         Dr                                >,
        Row < Updating,      DoReset,         Reset,         Dr                                >,
        Row < Disabled,      DoReset,         none,          FRst                              >,
        // --- disable, enable
        Row < Init,          Disable,         none,          FInit                             >,
        Row < BatchCreate1,  Disable,         none,          FInit                             >,
        Row < BatchCreate2,  Disable,         none,          FInit                             >,
        Row < Create,        Disable,         Disabled,      Dis                               >,
        Row < Reset,         Disable,         Disabled,      Dis                               >,
        Row < Unconfig,      Disable,         Disabled,      Dis                               >,
        Row < Published,     Disable,         Disabled,      Dis                               >,
        Row < Updating,      Disable,         Disabled,      Dis                               >,
        Row < Disabled,      Disable,         none,          FDis                              >,
        Row < Init,          Enable,          none,          FEn                               >,
        Row < BatchCreate1,  Enable,          none,          FEn                               >,
        Row < BatchCreate2,  Enable,          none,          FEn                               >,
        Row < Create,        Enable,          none,          FEn                               >,
        Row < Reset,         Enable,          none,          FEn                               >,
        Row < Unconfig,      Enable,          none,          FEn                               >,
        Row < Published,     Enable,          none,          FEn                               >,
        Row < Updating,      Enable,          none,          FEn                               >,
        Row < Disabled,      Enable,          Create,        En                                >,
        // --- delete, nuke, undelete, destroy
        Row < Init,          Delete,          Deleted,       Nuke                              >,
        Row < BatchCreate1,  Delete,          Deleted,       Nuke                              >,
        Row < BatchCreate2,  Delete,          Deleted,       Del                               >,
        Row < Create,        Delete,          Deleted,       Del                               >,
        Row < Reset,         Delete,          Deleted,       Del                               >,
        Row < Unconfig,      Delete,          Deleted,       Del                               >,
        Row < Published,     Delete,          Deleted,       Del                               >,
        Row < Updating,      Delete,          Deleted,       Del                               >,
        Row < Disabled,      Delete,          Deleted,       Del                               >,
        Row < Init,          NukeStart,       Deleted,       Nuke                              >,
        Row < BatchCreate1,  NukeStart,       Deleted,       Nuke                              >,
        Row < BatchCreate2,  NukeStart,       Deleted,       Nuke                              >,
        Row < Create,        NukeStart,       Deleted,       Nuke                              >,
        Row < Reset,         NukeStart,       Deleted,       Nuke                              >,
        Row < Unconfig,      NukeStart,       Deleted,       Nuke                              >,
        Row < Published,     NukeStart,       Deleted,       Nuke                              >,
        Row < Updating,      NukeStart,       Deleted,       Nuke                              >,
        Row < Disabled,      NukeStart,       Deleted,       Nuke                              >,
        Row < Deleted,       Undelete,        Create,        Und                               >,
        Row < Deleted,       DoDestroy,       none,          Des                               >,
        Row < Create,        RemoveZoneFiles, none,          Rzf                               >,
        Row < Reset,         RemoveZoneFiles, none,          Rzf                               >,
        Row < Disabled,      RemoveZoneFiles, none,          Rzf                               >,
        Row < Deleted,       RemoveZoneFiles, none,          Rzf                               >,
        // --- reconfigure, refresh, server groups
        Row < Published,     DoReconfig,      Unconfig,      Drc                               >,
        Row < Updating,      DoReconfig,      Unconfig,      Drc                               >,
        Row < Published,     DoRefresh,       none,          Ref                               >,
        Row < Updating,      DoRefresh,       none,          Ref                               >,
        Row < Init,          DoSgSwap,        none,          Swap                              >,
        Row < BatchCreate1,  DoSgSwap,        none,          Swap                              >,
        Row < BatchCreate2,  DoSgSwap,        none,          Swap                              >,
        Row < Create,        DoSgSwap,        none,          Swap                              >,
        Row < Reset,         DoSgSwap,        none,          Swap                              >,
        Row < Unconfig,      DoSgSwap,        none,          Swap                              >,
        Row < Published,     DoSgSwap,        none,          Swap                              >,
        Row < Updating,      DoSgSwap,        none,          Swap                              >,
        Row < Disabled,      DoSgSwap,        none,          Swap                              >,
        Row < Init,          DoSetAltSg,      none,          Alt                               >,
        Row < BatchCreate1,  DoSetAltSg,      none,          Alt                               >,
        Row < BatchCreate2,  DoSetAltSg,      none,          Alt                               >,
        Row < Create,        DoSetAltSg,      none,          Alt                               >,
        Row < Reset,         DoSetAltSg,      none,          Alt                               >,
        Row < Unconfig,      DoSetAltSg,      none,          Alt                               >,
        Row < Published,     DoSetAltSg,      none,          Alt                               >,
        Row < Updating,      DoSetAltSg,      none,          Alt                               >,
        Row < Disabled,      DoSetAltSg,      none,          Alt                               >,
        // --- edit locking
        Row < Create,        Edit,            none,          Ed                                >,
        Row < Reset,         Edit,            none,          Ed                                >,
        Row < Unconfig,      Edit,            none,          Ed                                >,
        Row < Published,     Edit,            none,          Ed                                >,
        Row < Updating,      Edit,            none,          FLck                              >,
        Row < Disabled,      Edit,            none,          Ed                                >,
        Row < Create,        EditExit,        none,          Ex                                >,
        Row < Reset,         EditExit,        none,          Ex                                >,
        Row < Unconfig,      EditExit,        none,          Ex                                >,
        Row < Published,     EditExit,        none,          Ex                                >,
        Row < Updating,      EditExit,        none,          Uex                               >,
        Row < Disabled,      EditExit,        none,          Ex                                >,
        Row < Create,        EditTimeout,     none,          To                                >,
        Row < Reset,         EditTimeout,     none,          To                                >,
        Row < Unconfig,      EditTimeout,     none,          To                                >,
        Row < Published,     EditTimeout,     none,          To                                >,
        Row < Disabled,      EditTimeout,     none,          To                                >,
        Row < Create,        EditLockTickle,  none,          Tk                                >,
        Row < Reset,         EditLockTickle,  none,          Tk                                >,
        Row < Unconfig,      EditLockTickle,  none,          Tk                                >,
        Row < Published,     EditLockTickle,  none,          Tk                                >,
        Row < Disabled,      EditLockTickle,  none,          Tk                                >,
        Row < Create,        EditSaved,       none,          Oes                               >,
        Row < Reset,         EditSaved,       none,          Oes                               >,
        Row < Unconfig,      EditSaved,       none,          Oes                               >,
        Row < Published,     EditSaved,       Updating,      Es                                >,
        Row < Updating,      EditSaved,       none,          FNlk                              >,
        Row < Disabled,      EditSaved,       none,          Oes                               >,
        Row < Create,        EditSavedNoLock, none,          Onl                               >,
        Row < Reset,         EditSavedNoLock, none,          Onl                               >,
        Row < Unconfig,      EditSavedNoLock, none,          Onl                               >,
        Row < Published,     EditSavedNoLock, none,          Nl                                >,
        Row < Updating,      EditSavedNoLock, none,          FLck                              >,
        Row < Disabled,      EditSavedNoLock, none,          Onl                               >,
        Row < BatchCreate1,  EditSavedNoLock, none,          Onl                               >,
        Row < BatchCreate2,  EditSavedNoLock, none,          Onl                               >,
        // --- restoring the persisted state (see the top of this file)
        Row < Loading,       Restore,         Init,          none,          Was<Init>          >,
        Row < Loading,       Restore,         Create,        none,          Was<Create>        >,
        Row < Loading,       Restore,         Reset,         none,          Was<Reset>         >,
        Row < Loading,       Restore,         BatchCreate1,  none,          Was<BatchCreate1>  >,
        Row < Loading,       Restore,         BatchCreate2,  none,          Was<BatchCreate2>  >,
        Row < Loading,       Restore,         Unconfig,      none,          Was<Unconfig>      >,
        Row < Loading,       Restore,         Published,     none,          Was<Published>     >,
        Row < Loading,       Restore,         Updating,      none,          Was<Updating>      >,
        Row < Loading,       Restore,         Disabled,      none,          Was<Disabled>      >,
        Row < Loading,       Restore,         Deleted,       none,          Was<Deleted>       >
    > {};
    // clang-format on
};

using ZoneMachine = Backend<ZoneSmDef>;

} // namespace

Outcome process_zone_event(ZoneRow& row, const ZoneEvent& event, ZoneSmContext& ctx) {
    if (event_type_entry(event.type).machine != Machine::zone) {
        throw Error(ErrorCode::internal,
                    "ZoneSM cannot process " + std::string(to_string(event.type)));
    }
    ZoneRow work = row;
    ZoneSmRun run{work, event, ctx};
    ZoneMachine machine(run);
    auto state = row.state;
    if (auto refused = run_event(machine, "ZoneSM", state, event.type, ZoneEvents())) {
        return *refused;
    }
    work.state = state;
    row = work;
    return run.outcome;
}

} // namespace dms::sm
