// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/server_state.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

#define DMS_SG_SERVES                                                                              \
    "(($2 AND z.state IN ('INIT', 'UNCONFIG', 'BATCH_CREATE_2', 'PUBLISHED', 'UPDATE', 'RESET'))"  \
    " OR (NOT $2 AND (z.sg_id = $1 OR z.alt_sg_id = $1)"                                           \
    " AND z.state IN ('INIT', 'UNCONFIG', 'BATCH_CREATE_2', 'PUBLISHED', 'UPDATE')))"

// clang-format off
constexpr Statement statements[] = {
    {"server_save_state",
     "UPDATE sm_servers SET state = $2, last_reply = to_timestamp($3::bigint / 1000000.0),"
     " retry_msg = nullif($4, ''), retry_count = $5, zone_count = $6, probe_rtt_ms = $7,"
     " lagging_zones = $8, last_check = to_timestamp($9::bigint / 1000000.0), repairs = $10,"
     " configured_at = to_timestamp($11::bigint / 1000000.0) WHERE id = $1"},
    {"server_address_conflict",
     "SELECT name FROM sm_servers WHERE id <> $1 AND state <> 'DISABLED'"
     " AND address = $2::inet AND dns_port = $3 ORDER BY name LIMIT 1"},
    {"server_enabled_of_sg",
     "SELECT id FROM sm_servers WHERE sg_id = $1 AND state <> 'DISABLED' ORDER BY name"},
    {"server_sg_config_zones",
     "SELECT z.name FROM sm_zone z WHERE " DMS_SG_SERVES " ORDER BY z.name"},
    {"server_set_sg_zone_count", "UPDATE server_groups SET zone_count = $2 WHERE id = $1"},
    {"server_published_serials",
     "SELECT z.name, coalesce(z.soa_serial, zi.soa_serial),"
     " (extract(epoch from coalesce(zi.ptime, zi.mtime)) * 1000000)::bigint"
     " FROM sm_zone z JOIN zone_instances zi ON zi.id = z.zi_id"
     " WHERE z.state IN ('PUBLISHED', 'UPDATE')"
     " AND ($2 OR z.sg_id = $1 OR z.alt_sg_id = $1) ORDER BY z.name"},
    // The master's reconfiguration (which rewrites the SGs' configs) or this server's
    // configuration is still to come.
    {"server_config_pending",
     "SELECT EXISTS (SELECT 1 FROM sm_master WHERE state = 'HOLD')"
     " OR EXISTS (SELECT 1 FROM sm_event_queue e WHERE e.processed IS NULL"
     "   AND e.event_type IN ('MasterSMMasterReconfig', 'MasterSMPartialReconfig',"
     "                        'MasterSMAllReconfig', 'MasterSMHoldTimeout', 'MasterSMReset'))"
     " OR EXISTS (SELECT 1 FROM sm_event_queue e WHERE e.processed IS NULL"
     "   AND e.server_id = $1 AND e.event_type IN ('ServerSMConfigure', 'ServerSMConfigChange'))"},
};
// clang-format on

} // namespace

namespace detail {
std::span<const Statement> server_state_statements() {
    return statements;
}
} // namespace detail

namespace servers {

void save_state(Transaction& tx, const ServerRecord& s) {
    const auto us = [](const auto& t) {
        return t ? std::optional<long long>(to_epoch_us(*t)) : std::nullopt;
    };
    work(tx).exec_prepared0("server_save_state", s.id, s.state, us(s.last_reply), s.retry_msg,
                            s.retry_count, s.zone_count, s.probe_rtt_ms, s.lagging_zones,
                            us(s.last_check), s.repairs, us(s.configured_at));
}

std::optional<std::string> enabled_address_conflict(Transaction& tx, const ServerRecord& s) {
    const auto r = work(tx).exec_prepared("server_address_conflict", s.id, s.address, s.dns_port);
    return r.empty() ? std::nullopt : std::optional<std::string>(r[0][0].c_str());
}

std::vector<std::int64_t> enabled_of_sg(Transaction& tx, std::int64_t sg_id) {
    std::vector<std::int64_t> out;
    for (const auto& r : work(tx).exec_prepared("server_enabled_of_sg", sg_id)) {
        out.push_back(r[0].as<std::int64_t>());
    }
    return out;
}

std::vector<std::string> sg_config_zones(Transaction& tx, std::int64_t sg_id, bool replica) {
    std::vector<std::string> out;
    for (const auto& r : work(tx).exec_prepared("server_sg_config_zones", sg_id, replica)) {
        out.emplace_back(r[0].c_str());
    }
    return out;
}

void set_sg_zone_count(Transaction& tx, std::int64_t sg_id, std::int64_t count) {
    work(tx).exec_prepared0("server_set_sg_zone_count", sg_id, count);
}

std::vector<ZoneSerial> published_serials(Transaction& tx, std::int64_t sg_id, bool replica) {
    std::vector<ZoneSerial> out;
    for (const auto& r : work(tx).exec_prepared("server_published_serials", sg_id, replica)) {
        out.push_back(
            {r[0].c_str(), r[1].as<std::uint32_t>(), from_epoch_us(r[2].as<long long>())});
    }
    return out;
}

bool configuration_pending(Transaction& tx, std::int64_t server_id) {
    return work(tx).exec_prepared1("server_config_pending", server_id)[0].as<bool>();
}

} // namespace servers
} // namespace dms::db
