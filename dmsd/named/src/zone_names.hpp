// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to libdms_named: zone names as named.conf and file names spell them.

#include <string>
#include <string_view>

namespace dms::named::detail {

/// "example.org." -> "example.org" (file names and named.conf zone names).
inline std::string bare(std::string_view zone) {
    if (zone.size() > 1 && zone.ends_with('.')) {
        zone.remove_suffix(1);
    }
    return std::string(zone);
}

} // namespace dms::named::detail
