// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Security tags: the defined tags (zone_sectags rows without a zone) and the tags each
// zone carries (rows with one).
//
// Contract: create/add return false when the row exists, remove/remove_from_zone when
// it does not; SQL failures are DatabaseError.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dms/db/session.hpp"

namespace dms::db::sectags {

/// The defined tags, by name.
std::vector<std::string> list(Transaction& tx);
bool exists(Transaction& tx, std::string_view sectag);
bool create(Transaction& tx, std::string_view sectag);
/// Number of zones carrying the tag.
std::int64_t use_count(Transaction& tx, std::string_view sectag);
bool remove(Transaction& tx, std::string_view sectag);

/// The tags a zone carries, by name.
std::vector<std::string> of_zone(Transaction& tx, std::int64_t zone_id);
bool add_to_zone(Transaction& tx, std::int64_t zone_id, std::string_view sectag);
bool remove_from_zone(Transaction& tx, std::int64_t zone_id, std::string_view sectag);

} // namespace dms::db::sectags
