// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the engine: argument checks of the SG and server faces whose failure is a
// usage error naming the bad argument.

#include <cstddef>
#include <string>
#include <string_view>

namespace dms::engine::detail {

/// The schema's CHECK on server_groups.name and sm_servers.name: "" if `name` passes,
/// else the problem, naming `what`.
std::string check_name(std::string_view what, std::string_view name, std::size_t max);
/// "" for "", else the normalised address; Error(usage) naming `what` if it is none.
std::string address_or_throw(std::string_view what, std::string_view address);
/// Error(usage) with `problem` unless it is "".
void name_or_throw(const std::string& problem);

} // namespace dms::engine::detail
