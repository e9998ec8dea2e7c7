// SPDX-License-Identifier: GPL-3.0-or-later
// ServerSM as a Boost.MSM machine (functor front end); the actions live in
// server_sm_actions.cpp. The state is restored as the other machines do it (see
// zone_sm.cpp): a Loading pseudo-state and one guarded Restore row per state. Configure
// and CheckServer end in a choice pseudo-state whose completion rows pick OK, RETRY or
// BROKEN from how the steps went.

#include "dms/sm/msm_limits.hpp"
// (The MPL limits above must come before any Boost header.)
#include "dms/sm/server_sm.hpp"

#include "machine_def.hpp"
#include "server_sm_actions.hpp"

namespace dms::sm {
namespace {

namespace mpl = boost::mpl;
using namespace detail::machine;
using detail::ServerSmRun;
using msm::front::none;
using msm::front::Row;

template <EventType T>
using ServerEv = Ev<T>;
using Enable = ServerEv<EventType::server_enable>;
using Disable = ServerEv<EventType::server_disable>;
using Reset = ServerEv<EventType::server_reset>;
using Configure = ServerEv<EventType::server_configure>;
using ConfigChange = ServerEv<EventType::server_config_change>;
using CheckServer = ServerEv<EventType::server_check_server>;

using ServerEvents = EventList<Enable, Disable, Reset, Configure, ConfigChange, CheckServer>;

using Restore = detail::machine::Restore<ServerState>;

struct Disabled : Persisted<ServerState::disabled> {};
struct Config : Persisted<ServerState::config> {};
struct Ok : Persisted<ServerState::ok> {};
struct Retry : Persisted<ServerState::retry> {};
struct Broken : Persisted<ServerState::broken> {};
using Loading = Pseudo<ServerState>;
struct StepChoice : Pseudo<ServerState> {}; // CFG, CHK: how the steps went

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

struct ServerSmDef
    : MachineDef<ServerSmDef, ServerState, ServerSmRun, &detail::server_no_transition> {
    using MachineDef::MachineDef;

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
};

using ServerMachine = Backend<ServerSmDef>;

} // namespace

Outcome process_server_event(ServerRow& row, const ServerEvent& event, ServerSmContext& ctx) {
    if (event_type_entry(event.type).machine != Machine::server) {
        throw Error(ErrorCode::internal,
                    "ServerSM cannot process " + std::string(to_string(event.type)));
    }
    ServerRow work = row;
    ServerSmRun run{work, event, ctx};
    ServerMachine machine(run);
    auto state = row.state;
    if (auto refused = run_event(machine, "ServerSM", state, event.type, ServerEvents())) {
        return *refused;
    }
    work.state = state;
    row = work;
    return run.outcome;
}

} // namespace dms::sm
