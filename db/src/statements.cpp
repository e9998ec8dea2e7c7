// SPDX-License-Identifier: GPL-3.0-or-later
#include "statements.hpp"

#include <string>

namespace dms::db::detail {

void declare_statements(pqxx::connection_base& conn) {
    for (const auto table :
         {zone_statements(), zi_statements(), reference_statements(), sectag_statements(),
          zone_cfg_statements(), apex_ns_statements(), event_statements(), audit_statements(),
          queue_statements(), master_statements(), server_statements(), sg_statements(),
          server_state_statements(), replication_statements(), vacuum_statements(),
          metrics_statements()}) {
        for (const auto& s : table) {
            conn.prepare(std::string(s.name), std::string(s.sql));
        }
    }
}

} // namespace dms::db::detail
