// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/master.hpp"

#include "convert.hpp"
#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

using namespace detail;

#define DMS_MASTER_COLUMNS                                                                         \
    "SELECT m.id, m.state, m.hold_sg, coalesce(m.hold_sg_name, ''),"                               \
    " (extract(epoch from m.hold_start) * 1000000)::bigint,"                                       \
    " (extract(epoch from m.hold_stop) * 1000000)::bigint, m.replica_sg_id,"                       \
    " m.master_server_id, coalesce(m.master_hostname, ''),"                                        \
    " (extract(epoch from m.mtime) * 1000000)::bigint, coalesce(sg.name, ''),"                     \
    " coalesce(s.name, '') FROM sm_master m"                                                       \
    " LEFT JOIN server_groups sg ON sg.id = m.replica_sg_id"                                       \
    " LEFT JOIN sm_servers s ON s.id = m.master_server_id WHERE m.id = 1"

// clang-format off
constexpr Statement statements[] = {
    {"master_get", DMS_MASTER_COLUMNS},
    {"master_get_share", DMS_MASTER_COLUMNS " FOR SHARE OF m"},
    {"master_try_lock", DMS_MASTER_COLUMNS " FOR NO KEY UPDATE OF m SKIP LOCKED"},
    {"master_update",
     "UPDATE sm_master SET state = $1, hold_sg = $2, hold_sg_name = nullif($3, ''),"
     " hold_start = to_timestamp($4::bigint / 1000000.0),"
     " hold_stop = to_timestamp($5::bigint / 1000000.0) WHERE id = 1"},
    // host(address) is text: a master_dns_address that is a name finds no server
    // instead of failing the cast.
    {"master_set_identity",
     "WITH s AS (SELECT (SELECT s.id FROM sm_servers s JOIN sm_master m ON m.id = 1"
     " AND s.sg_id = m.replica_sg_id WHERE host(s.address) = $2 AND s.dns_port = $3"
     " ORDER BY s.id LIMIT 1) AS id)"
     " UPDATE sm_master m SET master_hostname = nullif($1, ''), master_server_id = s.id FROM s"
     " WHERE m.id = 1 AND (m.master_hostname IS DISTINCT FROM nullif($1, '')"
     " OR m.master_server_id IS DISTINCT FROM s.id)"},
};
// clang-format on

MasterRecord read(const pqxx::row& r) {
    MasterRecord m;
    m.id = r[0].as<std::int64_t>();
    m.state = r[1].c_str();
    m.hold_sg = r[2].as<std::int64_t>();
    m.hold_sg_name = r[3].c_str();
    m.hold_start = opt_time(r[4]);
    m.hold_stop = opt_time(r[5]);
    m.replica_sg_id = opt<std::int64_t>(r[6]);
    m.master_server_id = opt<std::int64_t>(r[7]);
    m.master_hostname = r[8].c_str();
    m.mtime = from_epoch_us(r[9].as<long long>());
    m.replica_sg_name = r[10].c_str();
    m.master_server_name = r[11].c_str();
    return m;
}

} // namespace

namespace detail {
std::span<const Statement> master_statements() {
    return statements;
}
} // namespace detail

namespace master {

MasterRecord get(Transaction& tx, bool share) {
    return read(work(tx).exec_prepared1(share ? "master_get_share" : "master_get"));
}

std::optional<MasterRecord> try_lock(Transaction& tx) {
    const auto r = work(tx).exec_prepared("master_try_lock");
    return r.empty() ? std::nullopt : std::optional<MasterRecord>(read(r[0]));
}

void update(Transaction& tx, const MasterRecord& m) {
    const auto us = [](const auto& t) {
        return t ? std::optional<long long>(to_epoch_us(*t)) : std::nullopt;
    };
    const Arg start(us(m.hold_start));
    const Arg stop(us(m.hold_stop));
    work(tx).exec_prepared0("master_update", m.state, m.hold_sg, m.hold_sg_name, start.get(),
                            stop.get());
}

void set_identity(Transaction& tx, std::string_view hostname, std::string_view address,
                  long dns_port) {
    work(tx).exec_prepared0("master_set_identity", std::string(hostname), std::string(address),
                            dns_port);
}

} // namespace master
} // namespace dms::db
