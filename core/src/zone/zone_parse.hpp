// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to core/src/zone: the zone text line reader of zone_parse.cpp, called by
// parse_zone_text (zone_parse_parallel.cpp) on a whole zone or on the two parts of a
// big one.

#include <string>
#include <string_view>

#include "dms/core/zone_text.hpp"

namespace dms::zone_detail {

/// Read a whole zone text on this thread (what parse_zone_text promises).
ParseResult read_zone(std::string_view text, const ParseOptions& options);

/// Read the second part of a zone cut in two for parallel parsing: lines are numbered
/// from `first_line`, relative names are completed with `origin` (absolute), and no
/// whole-zone check (one SOA) is made.
ParseResult read_zone_part(std::string_view text, const ParseOptions& options, int first_line,
                           std::string origin);

} // namespace dms::zone_detail
