// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// MasterSM's side of the engine: the sm_master row <-> sm::MasterRow, the JSON
// parameters of master events, and the machine's context, which reconfigures the
// master named and the server groups through the drivers it is given, inside the
// event's transaction. zone_context.hpp and server_context.hpp are its siblings for
// ZoneSM and ServerSM.
//
// Contract: as sm::MasterSmContext. Driver failures (named unreachable, a file not
// written) are dms::Error and pass through; the caller rolls back and retries.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/db/master.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/session.hpp"
#include "dms/db/sgs.hpp"
#include "dms/drivers/named_driver.hpp"
#include "dms/drivers/slave_driver.hpp"
#include "dms/sm/master_sm.hpp"

namespace dms::engine {

/// sm::MasterRow <-> db::MasterRecord (the MasterSM columns).
sm::MasterRow to_master_row(const db::MasterRecord& m);
void from_master_row(const sm::MasterRow& r, db::MasterRecord& m);

/// The JSON parameters of a master event, both ways; bad JSON or wrong types throw
/// dms::Error(ErrorCode::internal).
std::string master_event_params_json(const sm::MasterEventParams& p);
sm::MasterEventParams master_event_params_from_json(const std::string& json);

/// Record in sm_master which machine is the master (db::master::set_identity): at
/// dmsd's start and after every reconfiguration.
void record_master_identity(db::Transaction& tx, const Config& config);

class MasterContext : public sm::MasterSmContext {
public:
    MasterContext(db::Transaction& tx, const Config& config, drivers::NamedDriver& named,
                  drivers::SlaveDriver& slaves)
        : m_tx(tx), m_config(config), m_named(named), m_slaves(slaves) {}
    sm::TimePoint now() override;
    /// master_hold_timeout, longer after a slow rndc reconfig (master_hold_reconfig_factor
    /// times what it took, up to 60 s).
    std::chrono::milliseconds hold_timeout() override;
    void reconfigure(Scope scope, std::optional<std::int64_t> sg_id) override;
    std::vector<std::int64_t> sgs_waiting_for_reconfig() override;
    std::optional<std::string> sg_name(std::int64_t sg_id) override;
    void queue_master_event(sm::EventType type, std::chrono::milliseconds delay,
                            const sm::MasterEventParams& params) override;
    void rndc_zone(std::string_view command, std::string_view zone) override;

private:
    /// Write one SG's slave config, count its zones, and have its enabled servers
    /// fetch it (REFERENCE.md 3.2 PartialReconfig, 8.3).
    void configure_sg(const db::SgRecord& sg, std::optional<std::int64_t> replica_sg_id);
    /// The masters an ordinary SG's slaves list after this site: the SG's alternate
    /// master address and the replica SG's enabled servers other than this site.
    std::vector<std::string> alternate_masters(const db::SgRecord& sg);

    db::Transaction& m_tx;
    const Config& m_config;
    drivers::NamedDriver& m_named;
    drivers::SlaveDriver& m_slaves;
    /// What this event's rndc reconfig took, for hold_timeout().
    std::optional<std::chrono::milliseconds> m_reconfig_took;
};

} // namespace dms::engine
