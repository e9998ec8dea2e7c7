// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Semantic checks of a zone before anything is stored (REFERENCE.md 7.1 and the
// checks a careful operator expects). Every problem is a Finding with the record's
// line; all are reported together.

#include <cstddef>
#include <vector>

#include "dms/core/zone.hpp"
#include "dms/core/zone_text.hpp"

namespace dms {

struct ValidateOptions {
    /// At least one NS record at the apex (off when apex NS come from zone_cfg).
    bool require_apex_ns = true;
    /// Most records one RRset may hold.
    std::size_t max_rrset_size = 1000;
    /// Most records one zone may hold (SOA included).
    std::size_t max_zone_size = 5'000'000;
};

/// Check `zone`; returns findings (errors and warnings), sorted by line.
std::vector<Finding> validate_zone(const ZoneData& zone, const ValidateOptions& options = {});

} // namespace dms
