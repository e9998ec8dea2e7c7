// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The audit trail: one row per change, naming who (change_by) did what to what.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db::audit {

struct Entry {
    std::string change_by;
    std::string operation; ///< the command or method, e.g. "create_zone"
    std::string subject;   ///< e.g. the zone name
    std::optional<std::int64_t> zone_id;
    std::optional<std::int64_t> server_id;
    std::string details = "{}"; ///< JSON object text
};

void record(Transaction& tx, const Entry& entry);
/// record() for many entries with one statement.
void record_many(Transaction& tx, const std::vector<Entry>& entries);

} // namespace dms::db::audit
