// SPDX-License-Identifier: GPL-3.0-or-later
// ServerSM as a Boost.MSM machine (functor front end); the actions live in
// server_sm_actions.cpp. The state is restored as the other machines do it (see
// zone_sm.cpp): a Loading pseudo-state and one guarded Restore row per state. Configure
// and CheckServer end in a choice pseudo-state whose completion rows pick OK, RETRY or
// BROKEN from how the steps went.

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

#include "dms/sm/server_sm.hpp"

#include "server_sm_actions.hpp"

namespace dms::sm {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using detail::ServerSmRun;
using msm::front::none;
using msm::front::Row;

template <EventType T>
struct ServerEv {
    static constexpr EventType type = T;
};
using Enable = ServerEv<EventType::server_enable>;
using Disable = ServerEv<EventType::server_disable>;
using Reset = ServerEv<EventType::server_reset>;
using Configure = ServerEv<EventType::server_configure>;
using ConfigChange = ServerEv<EventType::server_config_change>;
using CheckServer = ServerEv<EventType::server_check_server>;

template <class... Events>
struct EventList {};
using ServerEvents = EventList<Enable, Disable, Reset, Configure, ConfigChange, CheckServer>;

struct Restore {
    ServerState state;
};

struct StateBase {
    virtual ~StateBase() = default;
    virtual std::optional<ServerState> persisted() const { return std::nullopt; }
};
template <ServerState V>
struct Persisted : msm::front::state<StateBase> {
    static constexpr ServerState value = V;
    std::optional<ServerState> persisted() const override { return V; }
};
struct Disabled : Persisted<ServerState::disabled> {};
struct Config : Persisted<ServerState::config> {};
struct Ok : Persisted<ServerState::ok> {};
struct Retry : Persisted<ServerState::retry> {};
struct Broken : Persisted<ServerState::broken> {};
struct Loading : msm::front::state<StateBase> {};
struct StepChoice : msm::front::state<StateBase> {}; // CFG, CHK: how the steps went

template <void (*Fn)(ServerSmRun&)>
struct Act {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        Fn(fsm.run());
    }
};
template <bool (*Fn)(const ServerSmRun&)>
struct If {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
        return Fn(fsm.run());
    }
};
template <class State>
struct Was {
    template <class Fsm, class Source, class Target>
    bool operator()(const Restore& e, Fsm&, Source&, Target&) const {
        return e.state == State::value;
    }
};

using En = Act<&detail::enable_server>;
using Dis = Act<&detail::disable_server>;
using AEn = Act<&detail::already_enabled>;
using ADis = Act<&detail::already_disabled>;
using Cc = Act<&detail::config_change>;
using Cfg = Act<&detail::configure_server>;
using Chk = Act<&detail::check_server>;
using StepOk = If<&detail::step_ok>;
using StepRetry = If<&detail::step_retry>;
using StepBroken = If<&detail::step_broken>;

struct ServerSmDef : msm::front::state_machine_def<ServerSmDef, StateBase> {
    explicit ServerSmDef(ServerSmRun& run) : m_run(&run) {}
    ServerSmRun& run() const { return *m_run; }

    using initial_state = Loading;
    using no_message_queue = int;

    // REFERENCE.md 3.3, plus the choice rows and the restore rows.
    // clang-format off
    struct transition_table : mpl::vector<
        //    Source      Event         Target      Action  Guard
        Row < Disabled,   Enable,       Config,     En                      >,
        Row < Config,     Enable,       none,       AEn                     >,
        Row < Retry,      Enable,       none,       AEn                     >,
        Row < Broken,     Enable,       none,       AEn                     >,
        Row < Ok,         Enable,       none,       AEn                     >,
        Row < Disabled,   Disable,      none,       ADis                    >,
        Row < Config,     Disable,      Disabled,   Dis                     >,
        Row < Retry,      Disable,      Disabled,   Dis                     >,
        Row < Broken,     Disable,      Disabled,   Dis                     >,
        Row < Ok,         Disable,      Disabled,   Dis                     >,
        Row < Config,     Configure,    StepChoice, Cfg                     >,
        Row < Retry,      Configure,    StepChoice, Cfg                     >,
        Row < Broken,     Configure,    StepChoice, Cfg                     >,
        Row < Config,     Reset,        Config,     Cc                      >,
        Row < Retry,      Reset,        Config,     Cc                      >,
        Row < Broken,     Reset,        Config,     Cc                      >,
        Row < Ok,         Reset,        Config,     Cc                      >,
        Row < Ok,         ConfigChange, Config,     Cc                      >,
        Row < Ok,         CheckServer,  StepChoice, Chk                     >,
        Row < StepChoice, none,         Ok,         none,   StepOk          >,
        Row < StepChoice, none,         Retry,      none,   StepRetry       >,
        Row < StepChoice, none,         Broken,     none,   StepBroken      >,
        Row < Loading,    Restore,      Disabled,   none,   Was<Disabled>   >,
        Row < Loading,    Restore,      Config,     none,   Was<Config>     >,
        Row < Loading,    Restore,      Ok,         none,   Was<Ok>         >,
        Row < Loading,    Restore,      Retry,      none,   Was<Retry>      >,
        Row < Loading,    Restore,      Broken,     none,   Was<Broken>     >
    > {};
    // clang-format on

    template <class Fsm, class Event>
    void no_transition(const Event&, Fsm&, int) {
        if constexpr (!std::is_same_v<Event, Restore>) {
            detail::server_no_transition(run());
        }
    }

    template <class Fsm, class Event>
    void exception_caught(const Event&, Fsm&, std::exception&) {
        m_failure = std::current_exception();
    }

    std::exception_ptr m_failure;

private:
    ServerSmRun* m_run;
};

using ServerMachine = msm::back::state_machine<ServerSmDef, msm::back::favor_compile_time>;

template <class... Events>
bool feed(ServerMachine& machine, EventType type, EventList<Events...>) {
    return ((type == Events::type ? (machine.process_event(Events()), true) : false) || ...);
}

std::optional<ServerState> active_state(const ServerMachine& machine) {
    const auto* state = machine.get_state_by_id(machine.current_state()[0]);
    return state ? state->persisted() : std::nullopt;
}

// The table as data for server_transition_action(): DISABLED, CONFIG, OK, RETRY, BROKEN
// (the order of ServerState).
struct GridLine {
    EventType event;
    std::array<std::string_view, 5> cells;
};
using enum EventType;
constexpr std::array<GridLine, 6> grid{{
    {server_enable, {"EN", "AEN", "AEN", "AEN", "AEN"}},
    {server_disable, {"ADIS", "DIS", "DIS", "DIS", "DIS"}},
    {server_configure, {"", "CFG", "", "CFG", "CFG"}},
    {server_reset, {"", "CC", "CC", "CC", "CC"}},
    {server_config_change, {"", "", "CC", "", ""}},
    {server_check_server, {"", "", "CHK", "", ""}},
}};

} // namespace

Outcome process_server_event(ServerRow& row, const ServerEvent& event, ServerSmContext& ctx) {
    if (event_type_entry(event.type).machine != Machine::server) {
        throw Error(ErrorCode::internal,
                    "ServerSM cannot process " + std::string(to_string(event.type)));
    }
    ServerRow work = row;
    ServerSmRun run{work, event, ctx};
    ServerMachine machine(run);
    machine.start();
    machine.process_event(Restore{row.state});
    if (active_state(machine) != row.state) {
        throw Error(ErrorCode::internal, "ServerSM could not restore its state");
    }
    feed(machine, event.type, ServerEvents());
    if (machine.m_failure) {
        try {
            std::rethrow_exception(machine.m_failure);
        } catch (const detail::Refusal& e) {
            return Outcome{ResultCode::fatal, e.what(), e.code(), std::nullopt};
        }
    }
    const auto state = active_state(machine);
    if (!state) {
        throw Error(ErrorCode::internal, "ServerSM ended in no state");
    }
    work.state = *state;
    row = work;
    return run.outcome;
}

std::string_view server_transition_action(ServerState state, EventType event) {
    for (const auto& line : grid) {
        if (line.event == event) {
            return line.cells[static_cast<std::size_t>(state)];
        }
    }
    return {};
}

} // namespace dms::sm
