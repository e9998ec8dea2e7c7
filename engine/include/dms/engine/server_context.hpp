// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The database side of ServerSM's context, shared by the engine (the synchronous
// Enable, Disable and Reset, in zone_tool's transaction) and dmsd (queued events, in
// the event's transaction, which adds the steps against the server by overriding them).
//
// "This machine" is the master's own named: the server listens where dmsd sends its
// dynamic updates (master_dns_address and master_dns_port). It does not depend on which
// addresses are on an interface, so one machine can carry the master and slaves on
// loopback addresses (REFERENCE.md 3.4 looked at interfaces, loopback excluded).
//
// Contract: as sm::ServerSmContext. The steps against the server (repairs too),
// check_interval, lag_grace and retry_delay throw dms::Error(ErrorCode::internal) here:
// only dmsd's subclass has them.

#include "dms/core/config.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/session.hpp"
#include "dms/drivers/slave_driver.hpp"
#include "dms/engine/caller.hpp"
#include "dms/sm/server_sm.hpp"

namespace dms::engine {

/// sm::ServerRow <-> db::ServerRecord (the ServerSM columns).
sm::ServerRow to_server_row(const db::ServerRecord& s);
/// The server as a SlaveDriver addresses it (its record's name, address, ports, SG).
drivers::SlaveTarget to_slave_target(const db::ServerRecord& s);
void from_server_row(const sm::ServerRow& r, db::ServerRecord& s);

class ServerDbContext : public sm::ServerSmContext {
public:
    ServerDbContext(db::Transaction& tx, const Config& config, const db::ServerRecord& server)
        : m_tx(tx), m_config(config), m_server(server) {}

    sm::TimePoint now() override;
    std::optional<std::string> address_conflict(const sm::ServerRow& row) override;
    bool is_this_machine(const sm::ServerRow& row) override;
    void queue_server_event(sm::EventType type, std::chrono::milliseconds delay) override;

    sm::StepResult send_config(const sm::ServerRow& row) override;
    sm::StepResult reload_config(const sm::ServerRow& row) override;
    sm::StepResult probe(const sm::ServerRow& row) override;
    sm::StepResult status(const sm::ServerRow& row,
                          std::optional<std::int64_t>& zone_count) override;
    sm::StepResult check_serials(const sm::ServerRow& row, sm::SerialCheck& found) override;
    std::vector<sm::ZoneLag> notify_zones(const sm::ServerRow& row,
                                          const std::vector<sm::ZoneLag>& zones) override;
    void retransfer_zones(const sm::ServerRow& row, const std::vector<sm::ZoneLag>& zones) override;
    std::chrono::milliseconds check_interval() override;
    std::chrono::milliseconds lag_grace() override;
    std::chrono::milliseconds retry_delay(int failures) override;

protected:
    db::Transaction& tx() { return m_tx; }
    const Config& config() const { return m_config; }
    const db::ServerRecord& server() const { return m_server; }

private:
    db::Transaction& m_tx;
    const Config& m_config;
    const db::ServerRecord& m_server;
};

/// zone_tool's ServerSM events: enable_server, disable_server, reset_server. Runs the
/// event on the named server's row (locked) in one transaction, records it as a
/// processed event and in the audit log, and returns the row as it is now.
/// @throws dms::Error NoServerFound, or the machine's refusal (ServerAlreadyEnabled,
///         ServerAlreadyDisabled, ServerEnableFailure) with nothing written
db::ServerRecord run_server_event(db::Session& session, const Config& config, const Caller& caller,
                                  std::string_view server_name, sm::EventType type);

} // namespace dms::engine
