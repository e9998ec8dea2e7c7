// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the three Boost.MSM machines (ZoneSM, MasterSM, ServerSM) share. Private to the
// three translation units that instantiate a machine; each includes
// dms/sm/msm_limits.hpp first.
//
// Restoring the persisted state: Boost.MSM 1.81 has no public call that makes a given
// state active (the back end's state array is private, and serialisation is all or
// nothing). So a machine starts in a Loading pseudo-state and one Restore event, guarded
// on the stored state, takes it to that state: one row per state, all in the table, and
// the rest of the machine never sees Loading. A fresh MSM object is built per event; it is
// cheap (a few ints and empty states).
//
// Reading the state back: every state derives from StateBase, whose persisted() gives the
// stable state (nothing for pseudo-states); the back end's get_state_by_id() finds the
// active state object.
//
// Failures: an action that refuses throws Refusal, one that must be retried RetryLater;
// MSM calls exception_caught, the state stays the source, and run_event() turns them
// into an Outcome. Anything else an action throws (the context failed) passes through.
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/msm/back/favor_compile_time.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include "dms/core/error.hpp"
#include "dms/sm/names.hpp"

#include "zone_sm_actions.hpp"

namespace dms::sm::detail::machine {

namespace msm = boost::msm;

/// One event type per machine event; the payload stays in the machine's Run.
template <EventType T>
struct Ev {
    static constexpr EventType type = T;
};
template <class... Events>
struct EventList {};

/// Takes the machine from Loading to the row's state.
template <class State>
struct Restore {
    State state;
};

template <class State>
struct StateBase {
    virtual ~StateBase() = default;
    /// The stable name stored in the machine's row; none for pseudo-states.
    virtual std::optional<State> persisted() const { return std::nullopt; }
};
/// A state stored in the database.
template <auto V>
struct Persisted : msm::front::state<StateBase<decltype(V)>> {
    static constexpr auto value = V;
    std::optional<decltype(V)> persisted() const override { return V; }
};
/// Loading (before Restore) and the choice states.
template <class State>
struct Pseudo : msm::front::state<StateBase<State>> {};

// Actions and guards: thin functors over the functions of the *_sm_actions.hpp files.
template <auto Fn>
struct Act {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        Fn(fsm.run());
    }
};
template <auto Fn>
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
/// The guard of a Restore row: the stored state is this one.
template <class S>
struct Was {
    template <class Fsm, class Source, class Target>
    bool operator()(const Restore<std::remove_const_t<decltype(S::value)>>& e, Fsm&, Source&,
                    Target&) const {
        return e.state == S::value;
    }
};

/// The front end's common part: the Run the actions work on, a blank cell as the
/// machine's NoTransition action (recorded as NOCHANGE with the reason; MSM's default
/// would assert), and an action's exception kept for run_event(), which is still inside
/// MSM's catch block when exception_caught runs.
template <class Derived, class State, class Run, void (*NoTransition)(Run&)>
struct MachineDef : msm::front::state_machine_def<Derived, StateBase<State>> {
    explicit MachineDef(Run& run) : m_run(&run) {}
    Run& run() const { return *m_run; }

    using initial_state = Pseudo<State>; // Loading
    using no_message_queue = int;        // actions never post events

    template <class Fsm, class Event>
    void no_transition(const Event&, Fsm&, int) {
        if constexpr (!std::is_same_v<Event, Restore<State>>) {
            NoTransition(run());
        }
    }

    template <class Fsm, class Event>
    void exception_caught(const Event&, Fsm&, std::exception&) {
        m_failure = std::current_exception();
    }

    std::exception_ptr m_failure;

private:
    Run* m_run;
};

// favor_compile_time: each event's dispatch table is built once at start-up from that
// event's rows only: a quarter less compile time and memory than the default policy, and
// dispatch speed does not matter at one event per database transaction.
template <class Def>
using Backend = msm::back::state_machine<Def, msm::back::favor_compile_time>;

template <class State, class M>
std::optional<State> active_state(const M& machine) {
    const auto* state = machine.get_state_by_id(machine.current_state()[0]);
    return state ? state->persisted() : std::nullopt;
}

/// Start `machine`, restore `state`, feed it the event `type` (one of `Events`) and give
/// the state it ends in, or the Outcome of a refusal (fatal) or a retry (error). `name`
/// ("ZoneSM") is for the internal errors.
/// @throws dms::Error(ErrorCode::internal) if the state cannot be restored or the
///         machine stops in a pseudo-state; whatever else an action threw
template <class State, class M, class... Events>
std::optional<Outcome> run_event(M& machine, std::string_view name, State& state, EventType type,
                                 EventList<Events...>) {
    machine.start();
    machine.process_event(Restore<State>{state});
    if (active_state<State>(machine) != state) {
        throw Error(ErrorCode::internal, std::string(name) + " could not restore state " +
                                             std::string(to_string(state)));
    }
    ((type == Events::type ? (machine.process_event(Events()), true) : false) || ...);
    if (machine.m_failure) {
        try {
            std::rethrow_exception(machine.m_failure);
        } catch (const Refusal& e) {
            return Outcome{ResultCode::fatal, e.what(), e.code(), std::nullopt};
        } catch (const RetryLater& e) {
            return Outcome{ResultCode::error, e.what(), std::nullopt, std::nullopt};
        }
    }
    const auto after = active_state<State>(machine);
    if (!after) {
        throw Error(ErrorCode::internal, std::string(name) + " stopped in a choice state after " +
                                             std::string(to_string(type)));
    }
    state = *after;
    return std::nullopt;
}

} // namespace dms::sm::detail::machine
