// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// dmsd's state machine contexts: the database side from the engine plus the named side
// through a NamedDriver (the master) and a SlaveDriver (slaves and replicas), all inside
// the event's transaction.

#include <chrono>
#include <optional>
#include <string>

#include "dms/core/config.hpp"
#include "dms/core/dns_client.hpp"
#include "dms/db/session.hpp"
#include "dms/drivers/named_driver.hpp"
#include "dms/drivers/slave_driver.hpp"
#include "dms/engine/master_context.hpp"
#include "dms/engine/server_context.hpp"
#include "dms/engine/zone_context.hpp"
#include "dms/sm/master_sm.hpp"

namespace dms::dmsd {

class DmsdZoneContext : public engine::ZoneDbContext {
public:
    /// With `files`, zone files are flushed to disk by files->sync() (before the
    /// transaction commits) instead of one by one.
    DmsdZoneContext(db::Transaction& tx, const Config& config, drivers::NamedDriver& named,
                    engine::ZoneBatch* batch = nullptr, DeferredSync* files = nullptr)
        : ZoneDbContext(tx, config, batch), m_named(named), m_files(files) {}

    NamedSoa query_named_soa(const sm::ZoneRow& row) override;
    void write_zone_file(const sm::ZoneRow& row) override;
    void remove_zone_files(const sm::ZoneRow& row) override;
    PublishResult publish(sm::ZoneRow& row, const sm::ZoneEventParams& params) override;

    /// What named last said (for the event's message), "" if nothing notable.
    const std::string& detail() const { return m_detail; }

private:
    drivers::NamedDriver& m_named;
    DeferredSync* m_files;
    std::string m_detail;
};

/// Uniform in [0, 1), one generator per thread: the jitter of retries and checks.
double unit_random();

/// ServerSM in dmsd: the steps against the server through the SlaveDriver.
class DmsdServerContext : public engine::ServerDbContext {
public:
    DmsdServerContext(db::Transaction& tx, const Config& config, const db::ServerRecord& server,
                      drivers::SlaveDriver& slaves);

    sm::StepResult send_config(const sm::ServerRow& row) override;
    /// The replica SG's servers only: dnssec_key_dir to their module dnssec.
    sm::StepResult send_keys(const sm::ServerRow& row) override;
    sm::StepResult reload_config(const sm::ServerRow& row) override;
    sm::StepResult probe(const sm::ServerRow& row) override;
    sm::StepResult status(const sm::ServerRow& row,
                          std::optional<std::int64_t>& zone_count) override;
    /// Every published zone of the server's SG, its serial on the server against the
    /// one published (and, when that differs, the one the master named serves).
    sm::StepResult check_serials(const sm::ServerRow& row, sm::SerialCheck& found) override;
    /// NOTIFY from the SG's master address, then up to server_repair_wait for them.
    std::vector<sm::ZoneLag> notify_zones(const sm::ServerRow& row,
                                          const std::vector<sm::ZoneLag>& zones) override;
    void retransfer_zones(const sm::ServerRow& row, const std::vector<sm::ZoneLag>& zones) override;
    std::chrono::milliseconds check_interval() override;
    std::chrono::milliseconds lag_grace() override;
    std::chrono::milliseconds retry_delay(int failures) override;

private:
    drivers::SlaveDriver& m_slaves;
    drivers::SlaveTarget m_target;
    bool m_replica = false;
    std::string m_notify_source;
    dns::Server m_master;
    std::int64_t m_checked = 0;    ///< zones the serial check compared, for the repair's log
    std::int64_t m_refreshing = 0; ///< zones the server is refreshing (status)
};

} // namespace dms::dmsd
