// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private helpers of the server engine (server_engine.cpp, sg_zone_ops.cpp).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "dms/db/session.hpp"
#include "dms/db/sgs.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine::detail {

/// "" for "", else the normalised address; Error(usage) naming `what` if it is none.
std::string address_or_throw(std::string_view what, std::string_view address);
/// Error(usage) with `problem` unless it is "".
void name_or_throw(const std::string& problem);

/// The SG (locked if asked) or Error(no_sg_found).
db::SgRecord require_sg(db::Transaction& tx, std::string_view name, bool for_update);
/// The SG named, or zone_cfg default_sg when `name` is "".
db::SgRecord sg_or_default(db::Transaction& tx, std::string_view name);

/// Queue MasterSMPartialReconfig {"sg_id", "sg_name"} (coalesced); the event id.
std::int64_t queue_partial_reconfig(db::Transaction& tx, const db::SgRecord& sg);
/// Queue MasterSMAllReconfig (coalesced); the event id.
std::int64_t queue_all_reconfig(db::Transaction& tx);

/// An audit_log row (and a log line) for a server or SG change; `details` become a JSON
/// object of strings.
void audit_change(db::Transaction& tx, const Caller& caller, std::string_view operation,
                  std::string_view subject, std::optional<std::int64_t> server_id,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> details);

} // namespace dms::engine::detail
