// SPDX-License-Identifier: GPL-3.0-or-later
// MasterSM as a Boost.MSM machine (functor front end); the actions live in
// master_sm_actions.cpp. The state is restored as ZoneSM does it (see zone_sm.cpp): a
// Loading pseudo-state and one guarded Restore row per state.

#include "dms/sm/msm_limits.hpp"
// (The MPL limits above must come before any Boost header.)
#include "dms/sm/master_sm.hpp"

#include "machine_def.hpp"
#include "master_sm_actions.hpp"

namespace dms::sm {
namespace {

namespace mpl = boost::mpl;
using namespace detail::machine;
using detail::MasterSmRun;
using msm::front::none;
using msm::front::Row;

template <EventType T>
using MasterEv = Ev<T>;
using MasterReconfig = MasterEv<EventType::master_master_reconfig>;
using PartialReconfig = MasterEv<EventType::master_partial_reconfig>;
using AllReconfig = MasterEv<EventType::master_all_reconfig>;
using HoldTimeout = MasterEv<EventType::master_hold_timeout>;
using Reset = MasterEv<EventType::master_reset>;
using LoadKeys = MasterEv<EventType::master_load_keys>;
using SignZone = MasterEv<EventType::master_sign_zone>;
using BatchHold = MasterEv<EventType::master_batch_hold>;

using MasterEvents = EventList<MasterReconfig, PartialReconfig, AllReconfig, HoldTimeout, Reset,
                               LoadKeys, SignZone, BatchHold>;

using Restore = detail::machine::Restore<MasterState>;

struct Ready : Persisted<MasterState::ready> {};
struct Hold : Persisted<MasterState::hold> {};
using Loading = Pseudo<MasterState>;

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

struct MasterSmDef
    : MachineDef<MasterSmDef, MasterState, MasterSmRun, &detail::master_no_transition> {
    using MachineDef::MachineDef;

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
};

using MasterMachine = Backend<MasterSmDef>;

} // namespace

Outcome process_master_event(MasterRow& row, const MasterEvent& event, MasterSmContext& ctx) {
    if (event_type_entry(event.type).machine != Machine::master) {
        throw Error(ErrorCode::internal,
                    "MasterSM cannot process " + std::string(to_string(event.type)));
    }
    MasterRow work = row;
    MasterSmRun run{work, event, ctx};
    MasterMachine machine(run);
    auto state = row.state;
    if (auto refused = run_event(machine, "MasterSM", state, event.type, MasterEvents())) {
        return *refused;
    }
    work.state = state;
    row = work;
    return run.outcome;
}

} // namespace dms::sm
