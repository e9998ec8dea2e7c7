// SPDX-License-Identifier: GPL-3.0-or-later
#include "audit.hpp"

#include <boost/json.hpp>

#include "dms/core/logging.hpp"
#include "dms/db/audit.hpp"

namespace dms::engine::detail {

void audit(db::Transaction& tx, const Caller& caller, std::string_view operation,
           std::string_view subject, std::optional<std::int64_t> zone_id, std::string details) {
    db::audit::Entry e;
    e.change_by = caller.change_by();
    e.operation = std::string(operation);
    e.subject = std::string(subject);
    e.zone_id = zone_id;
    e.details = std::move(details);
    db::audit::record(tx, e);
}

void audit_change(db::Transaction& tx, const Caller& caller, std::string_view operation,
                  std::string_view subject, std::optional<std::int64_t> server_id,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> details) {
    boost::json::object o;
    for (const auto& [k, v] : details) {
        o[k] = v;
    }
    db::audit::Entry e;
    e.change_by = caller.change_by();
    e.operation = std::string(operation);
    e.subject = std::string(subject);
    e.server_id = server_id;
    e.details = boost::json::serialize(o);
    db::audit::record(tx, e);
    log::info(std::string(subject), operation, "by {}", caller.change_by());
}

std::string json_strings(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
    boost::json::object o;
    for (const auto& [k, v] : kv) {
        o[k] = v;
    }
    return boost::json::serialize(o);
}

} // namespace dms::engine::detail
