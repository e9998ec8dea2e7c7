// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ServerSM: one slave or replica server (REFERENCE.md 3.3), with the weak points of
// section 12 fixed: only malformed or broken answers make a server BROKEN (timeouts,
// refused connections and failed rsync/rndc runs are RETRY), retries back off from
// seconds to a cap instead of a fixed 10-20 minutes, and retry_msg holds the real
// error text. Written with Boost.MSM in sm/src/server_sm.cpp; this header is all its
// callers see.
//
//              Enable                      Configure: send the SG's config (rsync),
//   DISABLED ---------> CONFIG ----------- reload it (rndc reconfig), SOA probe ----> OK
//      ^                  ^  |                                                        |
//      | Disable          |  | a step failed: RETRY (unreachable, timed out, a tool   |
//      | (any state)      |  | failed) or BROKEN (malformed/broken answer);           |
//      |                  |  | Configure again after the back-off                     |
//      |                  |  v                                                        |
//      |               RETRY / BROKEN <------ CheckServer failed ---------------------+
//      |                                                                              |
//      |      ConfigChange (OK) / Reset (enabled): back to CONFIG, Configure now      |
//      +------------------------------------------------------------------------------+
//   CheckServer (OK): SOA probe, rndc status (zone count), serial check of every zone
//   the server must serve; zones behind the master for longer than the lag grace are
//   repaired (NOTIFY again; rndc retransfer for those still behind after the repair
//   wait; the configuration sent again for zones the server does not have), counted in
//   `repairs`; success schedules the next check after check_interval (sooner while
//   zones are in transit or a repair is to be verified).
//
// What persists where:
//   sm_servers.state                      ServerState stable name
//   sm_servers.last_reply                 when the server last answered a probe
//   sm_servers.retry_msg                  why it is RETRY/BROKEN ("" otherwise)
//   sm_servers.retry_count                consecutive failures (the back-off's exponent)
//   sm_servers.zone_count                 zones named reports (rndc status)
//   sm_servers.probe_rtt_ms               round trip of the last SOA probe
//   sm_servers.lagging_zones              zones behind the master at the end of the last
//                                         check (after its repairs)
//   sm_servers.repairs                    zones the checks found behind and repaired
//   sm_servers.configured_at              the last successful Configure
//   sm_event_queue                        the follow-ups (Configure, CheckServer)
// Events of a disabled server have no transition: they end as no-ops.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/sm/names.hpp"
#include "dms/sm/zone_sm.hpp"

namespace dms::sm {

/// The sm_servers columns the machine reads and writes (and what it needs to know).
struct ServerRow {
    std::int64_t id = 0;
    std::string name;
    ServerState state = ServerState::disabled;
    std::optional<TimePoint> last_reply;
    std::string retry_msg;
    int retry_count = 0;
    std::optional<std::int64_t> zone_count;
    std::optional<double> probe_rtt_ms;
    std::optional<std::int64_t> lagging_zones;
    std::int64_t repairs = 0;
    std::optional<TimePoint> configured_at;

    bool operator==(const ServerRow&) const = default;
};

/// A zone a server does not serve as the master does.
struct ZoneLag {
    std::string zone;         ///< absolute name
    std::uint32_t serial = 0; ///< the master's serial
    std::string seen;         ///< what the server answered: "serial 5", "SERVFAIL"
};

/// What the serial check of one server found.
struct SerialCheck {
    std::int64_t checked = 0; ///< zones compared: every published zone the server must serve
    /// Served with an older serial, or configured but not loaded, for longer than the
    /// lag grace: transfers that did not happen.
    std::vector<ZoneLag> behind;
    /// Not configured on the server although its configuration was sent longer than
    /// the grace ago and none is pending: the configuration did not take.
    std::vector<ZoneLag> missing;
    /// Not in step yet, but within the grace (a NOTIFY and transfer under way, a
    /// configuration still to be sent): neither lagging nor repaired.
    std::int64_t in_transit = 0;
};

struct ServerEvent {
    EventType type{};
    std::int64_t event_id = 0;
};

/// How one step against the server went.
struct StepResult {
    enum class Kind {
        ok,
        retry, ///< unreachable, timed out, refused, a tool failed: try again later
        broken ///< it answered, but malformed or with a broken rcode
    };
    Kind kind = Kind::ok;
    std::string message; ///< what failed, with the real error text
    double rtt_ms = 0;   ///< probe(): the round trip

    static StepResult ok() { return {}; }
    static StepResult retry(std::string why) { return {Kind::retry, std::move(why), 0}; }
    static StepResult broken(std::string why) { return {Kind::broken, std::move(why), 0}; }
};

/// What ServerSM actions ask of the world; dmsd implements it inside the event's
/// transaction (engine: for the synchronous Enable/Disable/Reset in zone_tool's). Steps
/// against the server report failure in their StepResult and never throw for it;
/// anything thrown (the database) passes through process_server_event.
class ServerSmContext {
public:
    virtual ~ServerSmContext() = default;

    virtual TimePoint now() = 0;
    /// The name of another enabled server with this server's address and DNS port.
    virtual std::optional<std::string> address_conflict(const ServerRow& row) = 0;
    /// This machine is the server (the master listed in its own SG): no rsync, no rndc.
    virtual bool is_this_machine(const ServerRow& row) = 0;
    /// Send the SG's generated config.
    virtual StepResult send_config(const ServerRow& row) = 0;
    /// A server of the replica SG: send it the master's DNSSEC keys (after the config,
    /// and again at every check, so that new keys and rollovers reach it within a check
    /// interval). Others: nothing to do.
    virtual StepResult send_keys(const ServerRow&) { return StepResult::ok(); }
    /// Make the server load it (rndc -s <server> reconfig).
    virtual StepResult reload_config(const ServerRow& row) = 0;
    /// SOA query over TCP (REFERENCE.md 3.3 SOA probe); rtt_ms on success.
    virtual StepResult probe(const ServerRow& row) = 0;
    /// rndc status: sets `zone_count` from "number of zones:".
    virtual StepResult status(const ServerRow& row, std::optional<std::int64_t>& zone_count) = 0;
    /// Compare the server's SOA serial of every zone it must serve with the master's
    /// (see SerialCheck). A server that stops answering is retry.
    virtual StepResult check_serials(const ServerRow& row, SerialCheck& found) = 0;
    /// Repair, step 1: send each zone's NOTIFY to the server again (from the master's
    /// address), then wait (at most the repair wait) for them to come into step.
    /// Returns the zones still behind. Logs what it did. Never throws for the server.
    virtual std::vector<ZoneLag> notify_zones(const ServerRow& row,
                                              const std::vector<ZoneLag>& zones) = 0;
    /// Repair, step 2: rndc -s <server> retransfer for each zone. Logs what it did.
    virtual void retransfer_zones(const ServerRow& row, const std::vector<ZoneLag>& zones) = 0;
    /// Queue a ServerSM event for this server due in `delay` (coalesced).
    virtual void queue_server_event(EventType type, std::chrono::milliseconds delay) = 0;
    /// Time between periodic checks of an OK server.
    virtual std::chrono::milliseconds check_interval() = 0;
    /// How long a zone may be out of step before it counts as behind (server_lag_grace).
    virtual std::chrono::milliseconds lag_grace() = 0;
    /// Delay before Configure is tried again after `failures` consecutive failures.
    virtual std::chrono::milliseconds retry_delay(int failures) = 0;
};

/// Feed one event to the machine for `row` (contract as process_zone_event: blank
/// cells are NOCHANGE "no transition for <Event> in state <STATE>"; refusals set
/// Outcome::error and leave `row` unchanged; exceptions pass through, `row` unchanged).
/// @throws dms::Error(ErrorCode::internal) if `event` is not a ServerSM event
Outcome process_server_event(ServerRow& row, const ServerEvent& event, ServerSmContext& ctx);

} // namespace dms::sm
