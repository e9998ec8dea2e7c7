// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to dms_bind9: zone names as named.conf and file names spell them.

#include <string>
#include <string_view>

namespace dms::drivers::bind9::detail {

/// "example.org." -> "example.org" (file names and named.conf zone names).
inline std::string bare(std::string_view zone) {
    if (zone.size() > 1 && zone.ends_with('.')) {
        zone.remove_suffix(1);
    }
    return std::string(zone);
}

} // namespace dms::drivers::bind9::detail
