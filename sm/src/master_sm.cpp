// SPDX-License-Identifier: GPL-3.0-or-later
// MasterSM as a Boost.MSM machine (functor front end); the actions live in
// master_sm_actions.cpp. The state is restored as ZoneSM does it (see zone_sm.cpp): a
// Loading pseudo-state and one guarded Restore row per state.

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

#include "dms/sm/master_sm.hpp"

#include "master_sm_actions.hpp"

namespace dms::sm {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using detail::MasterSmRun;
using msm::front::none;
using msm::front::Row;

template <EventType T>
struct MasterEv {
    static constexpr EventType type = T;
};
using MasterReconfig = MasterEv<EventType::master_master_reconfig>;
using PartialReconfig = MasterEv<EventType::master_partial_reconfig>;
using AllReconfig = MasterEv<EventType::master_all_reconfig>;
using HoldTimeout = MasterEv<EventType::master_hold_timeout>;
using Reset = MasterEv<EventType::master_reset>;
using LoadKeys = MasterEv<EventType::master_load_keys>;
using SignZone = MasterEv<EventType::master_sign_zone>;
using BatchHold = MasterEv<EventType::master_batch_hold>;

template <class... Events>
struct EventList {};
using MasterEvents = EventList<MasterReconfig, PartialReconfig, AllReconfig, HoldTimeout, Reset,
                               LoadKeys, SignZone, BatchHold>;

struct Restore {
    MasterState state;
};

struct StateBase {
    virtual ~StateBase() = default;
    virtual std::optional<MasterState> persisted() const { return std::nullopt; }
};
template <MasterState V>
struct Persisted : msm::front::state<StateBase> {
    static constexpr MasterState value = V;
    std::optional<MasterState> persisted() const override { return V; }
};
struct Ready : Persisted<MasterState::ready> {};
struct Hold : Persisted<MasterState::hold> {};
struct Loading : msm::front::state<StateBase> {};

template <void (*Fn)(MasterSmRun&)>
struct Act {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        Fn(fsm.run());
    }
};
template <class State>
struct Was {
    template <class Fsm, class Source, class Target>
    bool operator()(const Restore& e, Fsm&, Source&, Target&) const {
        return e.state == State::value;
    }
};

using Mr = Act<&detail::reconfig_master>;
using Pr = Act<&detail::reconfig_partial>;
using Ar = Act<&detail::reconfig_all>;
using Bh = Act<&detail::batch_hold>;
using HMr = Act<&detail::hold_master>;
using HPr = Act<&detail::hold_partial>;
using HAr = Act<&detail::hold_all>;
using Ht = Act<&detail::hold_timeout>;
using HBh = Act<&detail::hold_batch>;
using Rst = Act<&detail::reset>;
using Lk = Act<&detail::load_keys>;
using Sz = Act<&detail::sign_zone>;

struct MasterSmDef : msm::front::state_machine_def<MasterSmDef, StateBase> {
    explicit MasterSmDef(MasterSmRun& run) : m_run(&run) {}
    MasterSmRun& run() const { return *m_run; }

    using initial_state = Loading;
    using no_message_queue = int;

    // REFERENCE.md 3.2. 15 rows of the table plus 2 restore rows.
    // clang-format off
    struct transition_table : mpl::vector<
        //    Source   Event            Target  Action
        Row < Ready,   MasterReconfig,  Hold,   Mr   >,
        Row < Ready,   PartialReconfig, Hold,   Pr   >,
        Row < Ready,   AllReconfig,     Hold,   Ar   >,
        Row < Ready,   BatchHold,       Hold,   Bh   >,
        Row < Ready,   Reset,           Ready,  Rst  >,
        Row < Ready,   LoadKeys,        none,   Lk   >,
        Row < Ready,   SignZone,        none,   Sz   >,
        Row < Hold,    MasterReconfig,  none,   HMr  >,
        Row < Hold,    PartialReconfig, none,   HPr  >,
        Row < Hold,    AllReconfig,     none,   HAr  >,
        Row < Hold,    HoldTimeout,     Ready,  Ht   >,
        Row < Hold,    BatchHold,       none,   HBh  >,
        Row < Hold,    Reset,           Ready,  Rst  >,
        Row < Hold,    LoadKeys,        none,   Lk   >,
        Row < Hold,    SignZone,        none,   Sz   >,
        Row < Loading, Restore,         Ready,  none, Was<Ready> >,
        Row < Loading, Restore,         Hold,   none, Was<Hold>  >
    > {};
    // clang-format on

    template <class Fsm, class Event>
    void no_transition(const Event&, Fsm&, int) {
        if constexpr (!std::is_same_v<Event, Restore>) {
            detail::master_no_transition(run());
        }
    }

    template <class Fsm, class Event>
    void exception_caught(const Event&, Fsm&, std::exception&) {
        m_failure = std::current_exception();
    }

    std::exception_ptr m_failure;

private:
    MasterSmRun* m_run;
};

using MasterMachine = msm::back::state_machine<MasterSmDef, msm::back::favor_compile_time>;

template <class... Events>
bool feed(MasterMachine& machine, EventType type, EventList<Events...>) {
    return ((type == Events::type ? (machine.process_event(Events()), true) : false) || ...);
}

std::optional<MasterState> active_state(const MasterMachine& machine) {
    const auto* state = machine.get_state_by_id(machine.current_state()[0]);
    return state ? state->persisted() : std::nullopt;
}

// The table as data for master_transition_action(): READY, HOLD.
struct GridLine {
    EventType event;
    std::array<std::string_view, 2> cells;
};
using enum EventType;
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

} // namespace

Outcome process_master_event(MasterRow& row, const MasterEvent& event, MasterSmContext& ctx) {
    if (event_type_entry(event.type).machine != Machine::master) {
        throw Error(ErrorCode::internal,
                    "MasterSM cannot process " + std::string(to_string(event.type)));
    }
    MasterRow work = row;
    MasterSmRun run{work, event, ctx};
    MasterMachine machine(run);
    machine.start();
    machine.process_event(Restore{row.state});
    if (active_state(machine) != row.state) {
        throw Error(ErrorCode::internal, "MasterSM could not restore its state");
    }
    feed(machine, event.type, MasterEvents());
    if (machine.m_failure) {
        try {
            std::rethrow_exception(machine.m_failure);
        } catch (const detail::Refusal& e) {
            return Outcome{ResultCode::fatal, e.what(), e.code(), std::nullopt};
        }
    }
    work.state = *active_state(machine);
    row = work;
    return run.outcome;
}

std::string_view master_transition_action(MasterState state, EventType event) {
    for (const auto& line : grid) {
        if (line.event == event) {
            return line.cells[state == MasterState::ready ? 0 : 1];
        }
    }
    return {};
}

} // namespace dms::sm
