// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// References (customer or account labels a zone may carry): the reference table.
//
// Contract: find() returns std::nullopt when absent (names match ignoring case);
// create() returns false when the reference exists; SQL failures are DatabaseError.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db {

struct ReferenceRecord {
    std::int64_t id = 0;
    std::string reference;
    std::int64_t zone_count = 0;
};

namespace references {

std::optional<ReferenceRecord> find(Transaction& tx, std::string_view reference);
/// Id of the reference, created if missing (case-insensitive match).
std::int64_t ensure(Transaction& tx, std::string_view reference);
/// References matching any of the wildcard patterns (all when none), ignoring case.
std::vector<ReferenceRecord> list(Transaction& tx, const std::vector<std::string>& patterns);
bool create(Transaction& tx, std::string_view reference);
/// False if it does not exist; throws nothing else: the caller checks zone_count.
bool remove(Transaction& tx, std::int64_t id);
void rename(Transaction& tx, std::int64_t id, std::string_view new_name);

} // namespace references
} // namespace dms::db
