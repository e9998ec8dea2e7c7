// SPDX-License-Identifier: GPL-3.0-or-later
// ZoneSM as a Boost.MSM machine (functor front end). This is the one translation unit
// that includes Boost.MSM; the actions live in zone_sm_actions.cpp.
//
// Restoring the persisted state: Boost.MSM 1.81 has no public call that makes a given
// state active (the back end's state array is private, and serialisation is all or
// nothing). So the machine starts in a Loading pseudo-state and one Restore event, guarded
// on the stored state, takes it to that state: one row per state, all in the table, and
// the rest of the machine never sees Loading. A fresh MSM object is built per event; it is
// cheap (a few ints and empty states).
//
// Reading the state back: every state derives from StateBase, whose persisted() gives the
// stable ZoneState (nothing for the pseudo-states); the back end's get_state_by_id() finds
// the active state object.
//
// Actions with more than one possible next state (C, RC, U, RU, EU) do all their work,
// remember named's answer in the ZoneSmRun and move to a choice pseudo-state whose
// completion rows only branch on that answer. Completion rows must not run actions that
// can throw: MSM would retry the completion transition forever. An action that refuses or
// must be retried throws: MSM calls exception_caught and the state stays the source.

#include "dms/sm/msm_limits.hpp"
// (The MPL limits above must come before any Boost header.)
#include <array>
#include <exception>
#include <optional>
#include <string_view>
#include <type_traits>

#include <boost/msm/back/favor_compile_time.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include "dms/sm/zone_sm.hpp"

#include "zone_sm_actions.hpp"

namespace dms::sm {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using detail::ZoneSmRun;
using msm::front::none;
using msm::front::Row;

// Events: one type per ZoneSM event type. The payload stays in the ZoneSmRun.
template <EventType T>
struct ZoneEv {
    static constexpr EventType type = T;
};
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

template <class... Events>
struct EventList {};
using ZoneEvents =
    EventList<BatchConfig, ReconfigCheck, Config, ReconfigUpdate, Update, RemoveZoneFiles,
              EditTimeout, EditUpdate, DoReset, DoBatchConfig, DoConfig, DoReconfig, DoRefresh,
              DoSgSwap, DoSetAltSg, Enable, Disable, Delete, NukeStart, DoDestroy, Undelete, Edit,
              EditSavedNoLock, EditExit, EditSaved, EditLockTickle>;

/// Takes the machine from Loading to the row's state.
struct Restore {
    ZoneState state;
};

// States.
struct StateBase {
    virtual ~StateBase() = default;
    /// The stable name stored in sm_zone.state; none for pseudo-states.
    virtual std::optional<ZoneState> persisted() const { return std::nullopt; }
};
template <ZoneState V>
struct Persisted : msm::front::state<StateBase> {
    static constexpr ZoneState value = V;
    std::optional<ZoneState> persisted() const override { return V; }
};
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
struct Loading : msm::front::state<StateBase> {};       // before Restore
struct ConfigChoice : msm::front::state<StateBase> {};  // C: named serves the zone or not
struct CheckChoice : msm::front::state<StateBase> {};   // RC: named loaded the zone or not
struct PublishChoice : msm::front::state<StateBase> {}; // U, RU, EU: published or lost

// Actions and guards: thin functors over the functions of zone_sm_actions.hpp.
template <void (*Fn)(ZoneSmRun&)>
struct Act {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        Fn(fsm.run());
    }
};
template <bool (*Fn)(const ZoneSmRun&)>
struct If {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        return Fn(fsm.run());
    }
};
template <class Guard>
struct Not {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
        return !Guard()(e, fsm, s, t);
    }
};
template <class State>
struct Was {
    template <class Fsm, class Source, class Target>
    bool operator()(const Restore& e, Fsm&, Source&, Target&) const {
        return e.state == State::value;
    }
};

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

struct ZoneSmDef : msm::front::state_machine_def<ZoneSmDef, StateBase> {
    explicit ZoneSmDef(ZoneSmRun& run) : m_run(&run) {}
    ZoneSmRun& run() const { return *m_run; }

    using initial_state = Loading;
    using no_message_queue = int; // actions never post events

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

    /// A blank cell of REFERENCE.md 3.1.2: recorded as NOCHANGE with the reason (the
    /// default would assert).
    template <class Fsm, class Event>
    void no_transition(const Event&, Fsm&, int) {
        if constexpr (!std::is_same_v<Event, Restore>) {
            detail::no_transition(run());
        }
    }

    /// An action threw (a refusal, a retry, or the context failed): keep the exception for
    /// process_zone_event, which is still inside MSM's catch block here. The state stays.
    template <class Fsm, class Event>
    void exception_caught(const Event&, Fsm&, std::exception&) {
        m_failure = std::current_exception();
    }

    std::exception_ptr m_failure;

private:
    ZoneSmRun* m_run;
};

// favor_compile_time: each event's dispatch table is built once at start-up from that
// event's rows only: a quarter less compile time and memory than the default policy, and
// dispatch speed does not matter at one event per database transaction.
using ZoneMachine = msm::back::state_machine<ZoneSmDef, msm::back::favor_compile_time>;

template <class... Events>
bool feed(ZoneMachine& machine, EventType type, EventList<Events...>) {
    return ((type == Events::type ? (machine.process_event(Events()), true) : false) || ...);
}

std::optional<ZoneState> active_state(const ZoneMachine& machine) {
    const auto* state = machine.get_state_by_id(machine.current_state()[0]);
    return state ? state->persisted() : std::nullopt;
}

// REFERENCE.md 3.1.2 as data, for transition_action(): one line per event, one column per
// state (RESET shares CREATE's column), "." for a blank cell.
// clang-format off
struct GridLine {
    EventType event;
    std::string_view cells;
};
using enum EventType;
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

} // namespace

Outcome process_zone_event(ZoneRow& row, const ZoneEvent& event, ZoneSmContext& ctx) {
    if (event_type_entry(event.type).machine != Machine::zone) {
        throw Error(ErrorCode::internal,
                    "ZoneSM cannot process " + std::string(to_string(event.type)));
    }
    ZoneRow work = row;
    ZoneSmRun run{work, event, ctx};
    ZoneMachine machine(run);
    machine.start();
    machine.process_event(Restore{row.state});
    if (active_state(machine) != row.state) {
        throw Error(ErrorCode::internal,
                    "ZoneSM could not restore state " + std::string(to_string(row.state)));
    }
    feed(machine, event.type, ZoneEvents());

    if (machine.m_failure) {
        try {
            std::rethrow_exception(machine.m_failure);
        } catch (const detail::Refusal& e) {
            return Outcome{ResultCode::fatal, e.what(), e.code(), std::nullopt};
        } catch (const detail::RetryLater& e) {
            return Outcome{ResultCode::error, e.what(), std::nullopt, std::nullopt};
        }
    }
    const auto state = active_state(machine);
    if (!state) {
        throw Error(ErrorCode::internal,
                    "ZoneSM stopped in a choice state after " + std::string(to_string(event.type)));
    }
    work.state = *state;
    row = work;
    return run.outcome;
}

std::string_view transition_action(ZoneState state, EventType event) {
    for (const auto& line : grid) {
        if (line.event == event) {
            auto cell = line.cells.substr(grid_column(state) * grid_width, grid_width);
            cell = cell.substr(0, cell.find(' '));
            return cell == "." ? std::string_view() : cell;
        }
    }
    return {};
}

} // namespace dms::sm
