// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The apex NS servers zones with use_apex_ns get: zone_cfg rows with key apex_ns, a
// list per server group or the global one.
//
// Contract: list() is empty when neither the SG nor the global list has names; SQL
// failures are DatabaseError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db::apex_ns {

/// apex_ns names of the SG, or the global ones if the SG has none.
std::vector<std::string> list(Transaction& tx, std::optional<std::int64_t> sg_id);
/// Replace the apex_ns list of an SG (or the global list).
void replace(Transaction& tx, std::optional<std::int64_t> sg_id,
             const std::vector<std::string>& names);

} // namespace dms::db::apex_ns
