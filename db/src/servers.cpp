// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/servers.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

#define DMS_SERVER_COLUMNS                                                                         \
    "s.id, s.name, s.state, s.server_type, s.sg_id, host(s.address), s.dns_port, s.rndc_port,"     \
    " s.rsync_port, coalesce(host(s.ssh_address), ''),"                                            \
    " (extract(epoch from s.ctime) * 1000000)::bigint,"                                            \
    " (extract(epoch from s.mtime) * 1000000)::bigint,"                                            \
    " (extract(epoch from s.last_reply) * 1000000)::bigint, s.zone_count, s.retry_msg,"            \
    " s.retry_count, s.probe_rtt_ms, s.lagging_zones,"                                             \
    " (extract(epoch from s.last_check) * 1000000)::bigint, s.repairs,"                            \
    " (extract(epoch from s.configured_at) * 1000000)::bigint, sg.name,"                           \
    " sg.id IS NOT DISTINCT FROM (SELECT m.replica_sg_id FROM sm_master m WHERE m.id = 1) "
#define DMS_SERVER_FROM " FROM sm_servers s JOIN server_groups sg ON sg.id = s.sg_id "

// clang-format off
constexpr Statement statements[] = {
    {"server_find", "SELECT " DMS_SERVER_COLUMNS DMS_SERVER_FROM "WHERE s.name = $1"},
    {"server_find_lock",
     "SELECT " DMS_SERVER_COLUMNS DMS_SERVER_FROM "WHERE s.name = $1 FOR NO KEY UPDATE OF s"},
    {"server_find_id", "SELECT " DMS_SERVER_COLUMNS DMS_SERVER_FROM "WHERE s.id = $1"},
    {"server_find_id_lock",
     "SELECT " DMS_SERVER_COLUMNS DMS_SERVER_FROM "WHERE s.id = $1 FOR NO KEY UPDATE OF s"},
    {"server_find_address",
     "SELECT " DMS_SERVER_COLUMNS DMS_SERVER_FROM "WHERE s.address = $1::inet ORDER BY s.name"},
    {"server_of_sg",
     "SELECT " DMS_SERVER_COLUMNS DMS_SERVER_FROM "WHERE s.sg_id = $1 ORDER BY s.name"},
    {"server_list",
     "SELECT " DMS_SERVER_COLUMNS DMS_SERVER_FROM
     "WHERE ($1::text[] IS NULL OR s.name LIKE ANY ($1::text[]))"
     "  AND ($2::text IS NULL OR sg.name = $2)"
     "  AND (NOT $3::boolean OR s.state <> 'DISABLED')"
     "  AND (NOT $4::boolean OR sg.id IS DISTINCT FROM"
     "       (SELECT m.replica_sg_id FROM sm_master m WHERE m.id = 1))"
     " ORDER BY s.name"},
    {"server_insert",
     "INSERT INTO sm_servers (name, server_type, sg_id, address, dns_port, rndc_port,"
     " rsync_port, ssh_address) VALUES ($1, $2, $3, $4::inet, $5, $6, $7, $8::inet)"
     " ON CONFLICT (name) DO NOTHING RETURNING id"},
    {"server_update",
     "UPDATE sm_servers SET name = $2, server_type = $3, sg_id = $4, address = $5::inet,"
     " dns_port = $6, rndc_port = $7, rsync_port = $8, ssh_address = $9::inet WHERE id = $1"},
    {"server_delete", "DELETE FROM sm_servers WHERE id = $1"},
    {"server_addresses", "SELECT id, sg_id, name, host(address), dns_port, state, rndc_port"
                         " FROM sm_servers ORDER BY name"},
};
// clang-format on

ServerRecord read_server(const pqxx::row& r) {
    ServerRecord s;
    int i = 0;
    s.id = r[i++].as<std::int64_t>();
    s.name = r[i++].c_str();
    s.state = r[i++].c_str();
    s.server_type = r[i++].c_str();
    s.sg_id = r[i++].as<std::int64_t>();
    s.address = r[i++].c_str();
    s.dns_port = r[i++].as<int>();
    s.rndc_port = r[i++].as<int>();
    s.rsync_port = r[i++].as<int>();
    s.ssh_address = r[i++].c_str();
    s.ctime = from_epoch_us(r[i++].as<long long>());
    s.mtime = from_epoch_us(r[i++].as<long long>());
    s.last_reply = opt_time(r[i++]);
    s.zone_count = opt<std::int64_t>(r[i++]);
    s.retry_msg = str(r[i++]);
    s.retry_count = r[i++].as<int>();
    s.probe_rtt_ms = opt<double>(r[i++]);
    s.lagging_zones = opt<std::int64_t>(r[i++]);
    s.last_check = opt_time(r[i++]);
    s.repairs = r[i++].as<std::int64_t>();
    s.configured_at = opt_time(r[i++]);
    s.sg_name = r[i++].c_str();
    s.replica = r[i++].as<bool>();
    return s;
}

std::optional<ServerRecord> first(const pqxx::result& res) {
    return res.empty() ? std::nullopt : std::optional<ServerRecord>(read_server(res[0]));
}

std::vector<ServerRecord> all(const pqxx::result& res) {
    std::vector<ServerRecord> out;
    out.reserve(res.size());
    for (const auto& r : res) {
        out.push_back(read_server(r));
    }
    return out;
}

/// "" is NULL for the optional text and inet columns.
std::optional<std::string> or_null(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

} // namespace

namespace detail {
std::span<const Statement> server_statements() {
    return statements;
}
} // namespace detail

namespace servers {

std::optional<ServerRecord> find(Transaction& tx, std::string_view name, bool for_update) {
    return first(
        work(tx).exec_prepared(for_update ? "server_find_lock" : "server_find", std::string(name)));
}

std::optional<ServerRecord> find_by_id(Transaction& tx, std::int64_t id, bool for_update) {
    return first(work(tx).exec_prepared(for_update ? "server_find_id_lock" : "server_find_id", id));
}

std::vector<ServerRecord> find_by_address(Transaction& tx, std::string_view address) {
    return all(work(tx).exec_prepared("server_find_address", std::string(address)));
}

std::vector<ServerRecord> list(Transaction& tx, const ServerFilter& f) {
    const Arg pats(like_array(f.patterns));
    const Arg sg(f.sg_name);
    return all(work(tx).exec_prepared("server_list", pats.get(), sg.get(), f.exclude_disabled,
                                      f.exclude_replica));
}

std::vector<ServerRecord> of_sg(Transaction& tx, std::int64_t sg_id) {
    return all(work(tx).exec_prepared("server_of_sg", sg_id));
}

std::vector<ServerAddress> addresses(Transaction& tx) {
    std::vector<ServerAddress> out;
    for (const auto& r : work(tx).exec_prepared("server_addresses")) {
        out.push_back({r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].c_str(), r[3].c_str(),
                       r[4].as<int>(), r[5].c_str(), r[6].as<int>()});
    }
    return out;
}

std::optional<std::int64_t> insert(Transaction& tx, const ServerRecord& s) {
    const Arg ssh(or_null(s.ssh_address));
    const auto r =
        work(tx).exec_prepared("server_insert", s.name, s.server_type, s.sg_id, s.address,
                               s.dns_port, s.rndc_port, s.rsync_port, ssh.get());
    return r.empty() ? std::nullopt : std::optional<std::int64_t>(r[0][0].as<std::int64_t>());
}

void update(Transaction& tx, const ServerRecord& s) {
    const Arg ssh(or_null(s.ssh_address));
    work(tx).exec_prepared0("server_update", s.id, s.name, s.server_type, s.sg_id, s.address,
                            s.dns_port, s.rndc_port, s.rsync_port, ssh.get());
}

void remove(Transaction& tx, std::int64_t id) {
    work(tx).exec_prepared0("server_delete", id);
}

} // namespace servers
} // namespace dms::db
