// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Domain name and TTL helpers on presentation text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dms {

/// "Example.ORG" or "example.org." -> "example.org."; std::nullopt with a reason in
/// `error` if it is not a valid name (empty label, label > 63, name > 255 octets,
/// characters other than letters, digits, '-', '_' and '*').
std::optional<std::string> normalize_zone_name(std::string_view name, std::string* error = nullptr);

/// Why dms creates no zone of this name (as normalize_zone_name gives it), "" if it
/// may: named refuses a zone whose first label is "*" (its apex records would be
/// wildcards), '*' is a pattern in zone_tool listings and a glob in file names, and a
/// leading '-' makes the zone file name read as an option. Existing zones of such
/// names can still be looked up (and deleted) with normalize_zone_name.
std::string new_zone_name_problem(std::string_view name);

/// Owner `absolute` relative to `zone` ("www.example.org." in "example.org." ->
/// "www"; the apex -> "@"); std::nullopt when it is not inside the zone.
std::optional<std::string> relative_label(std::string_view absolute, std::string_view zone);

/// The absolute name of `label` in `zone` ("@" -> the zone).
std::string absolute_name(std::string_view label, std::string_view zone);

/// True when `name` (absolute or relative) is a host name: LDH labels, optionally a
/// leading "*" label (wildcards own addresses too).
bool is_hostname(std::string_view name);

/// Characters of TTL text the database keeps (varchar(20)): "0000000000000000000300"
/// is refused rather than cut or turned into another spelling.
inline constexpr std::size_t max_ttl_text = 20;

/// TTL text ("3600", "1h", "1w2d", "90M") to seconds; std::nullopt if malformed,
/// beyond 2^32-1 or longer than max_ttl_text characters.
std::optional<std::uint32_t> parse_ttl(std::string_view text);

/// The largest TTL RFC 2181 allows (2^31-1).
inline constexpr std::uint32_t max_ttl = 2147483647U;

/// Why `text` is not a TTL dms keeps, "" if it is one of 0..max_ttl: "4294967296 is out
/// of range (0..2147483647)", "'1x' is not ...", "'000...' is longer than 20 ...".
/// Meant to follow "TTL " or the name of an SOA timer in a message.
std::string ttl_problem(std::string_view text);

} // namespace dms
