// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to core/src/zone: expansion of the $GENERATE directive for the zone text
// reader (zone_parse.cpp).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace dms::zone_detail {

/// Expand one $GENERATE directive.
/// @param args the rest of the line after the word $GENERATE:
///        "start-stop[/step] lhs [ttl] [class] type rhs"
/// @param max_records the most records one directive may make
/// @param record called with the text of each generated record ("owner rest"), in order
/// @returns "" or the error for the directive's line; a bad range makes no record, a bad
///          ${offset,width,base} modifier stops the expansion after the records made
///          before it
std::string expand_generate(std::string_view args, std::size_t max_records,
                            const std::function<void(std::string_view)>& record);

} // namespace dms::zone_detail
