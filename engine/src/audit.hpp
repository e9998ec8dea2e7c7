// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the engine: the audit_log row every change writes, in the change's own
// transaction.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "dms/db/session.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine::detail {

/// A row of audit_log for a change made by `caller`.
void audit(db::Transaction& tx, const Caller& caller, std::string_view operation,
           std::string_view subject, std::optional<std::int64_t> zone_id = std::nullopt,
           std::string details = "{}");

/// An audit_log row (and a log line) for a server or SG change; `details` become a JSON
/// object of strings.
void audit_change(db::Transaction& tx, const Caller& caller, std::string_view operation,
                  std::string_view subject, std::optional<std::int64_t> server_id,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> details);

/// A JSON object of string values, for audit details.
std::string json_strings(std::initializer_list<std::pair<std::string_view, std::string_view>> kv);

} // namespace dms::engine::detail
