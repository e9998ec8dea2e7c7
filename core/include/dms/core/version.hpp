// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace dms {
/// The release version of dms, e.g. "0.1.0" (from the CMake project version).
std::string_view version();
} // namespace dms
