// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Output helpers shared by zone_tool commands: times, tables, JSON.

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "dms/core/zone_text.hpp"
#include "dms/db/events.hpp"
#include "dms/db/zis.hpp"
#include "dms/db/zones.hpp"
#include "dms/zone_tool/cli.hpp"

namespace dms::zone_tool {

/// A positive id argument (zone id, ZI id, token); Error(usage) naming `what` otherwise.
std::int64_t id_arg(std::string_view text, std::string_view what);

/// The zone filter of ls-like commands: domain arguments (wildcards; a missing
/// trailing dot added, lower case), -r reference, -g SG, -t hide disabled.
db::ZoneFilter zone_filter(Context& ctx, Args args);

/// The header printed above a ZI's zone text.
PrintHeader header_of(const engine::ZoneView& view);

/// "2026-11-23 18:40:01" in UTC; "" for no time.
std::string format_time(std::optional<std::chrono::system_clock::time_point> t);

/// Rows of columns, each column as wide as its widest cell, two spaces apart.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

/// One item per line on ctx.out(), or with --json a JSON array of strings.
ExitStatus print_list(Context& ctx, const std::vector<std::string>& items);

/// Pretty JSON, one value, then a newline.
void print_json(std::ostream& out, const boost::json::value& v);

boost::json::object to_json(const db::ZoneRecord& z);
boost::json::object to_json(const db::ZiRecord& zi);
boost::json::object to_json(const db::EventRecord& e);

/// Unified diff of two texts (`diff -uNw`, labelled) on ctx.out(), in colour on a
/// terminal unless NO_COLOR is set; nothing when they are equal. Throws Error(io).
ExitStatus diff_texts(Context& ctx, const std::string& a, const std::string& a_label,
                      const std::string& b, const std::string& b_label);

/// The lines of show_zonesm: "  key: value".
void print_fields(std::ostream& out, const boost::json::object& o);

} // namespace dms::zone_tool
