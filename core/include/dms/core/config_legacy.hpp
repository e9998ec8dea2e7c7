// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The original DMS's dms.conf (REFERENCE.md 11.1), read by parse_config():
//
//   original key ──┬─ ours == name ──── kept (value converted in an original file)
//                  ├─ ours != name ──── renamed: sets `ours`, with a notice naming it
//                  └─ ours empty ────── ignored, with a warning saying why
//
// One table (src/config_legacy.cpp) lists every key of REFERENCE.md 11.1 and what
// becomes of it; docs/configuration.md has the same list for people (a unit test keeps
// them together). Sections: the original's [dmsdmd] is our [dmsd]; [mod_wsgi] and
// [<script>.wsgi] (the JSON-RPC API under Apache) are read by no dms program.
//
// A file is "in the original's form" when it has one of the original's sections or a
// key of the original that is not also ours; only then are the values of the keys we
// share converted (the original gave master_hold_timeout and edit_lock_timeout in
// minutes, ports as service names, log levels in upper case).

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dms {

/// How an original value becomes ours.
enum class LegacyConversion {
    none,      ///< as it is
    minutes,   ///< the original's minutes, ours seconds (x 60)
    port,      ///< a number, or the service name 'domain' (53) or 'postgresql' (5432)
    address,   ///< an IP address; 'localhost' is 127.0.0.1; other host names cannot be used
    log_level, ///< Python's names in any case (INFO) or numbers (20)
    facility,  ///< any case, with or without LOG_ (LOG_LOCAL7, USER)
};

struct LegacyKey {
    std::string_view name; ///< the original's key
    std::string_view ours; ///< the option it sets; empty: ignored
    LegacyConversion conversion = LegacyConversion::none;
    std::string_view why = {}; ///< ignored: why, one clause for the warning
};

/// Every key of the original's dms.conf (REFERENCE.md 11.1), in its order. When several
/// original keys set one option, the first in this table wins; our own name always wins.
std::span<const LegacyKey> legacy_keys();

/// The row of an original key, or nullptr.
const LegacyKey* find_legacy_key(std::string_view name);

/// What the original's section `name` is to us: our section ("dmsd" for [dmsdmd]), or
/// empty for a section no dms program reads ([mod_wsgi], [<script>.wsgi]); nullopt when
/// it is not one of the original's.
std::optional<std::string_view> legacy_section(std::string_view name);

/// Why no dms program reads the original's section `name` (one clause).
std::string_view legacy_section_why(std::string_view name);

/// The result of converting an original value.
struct LegacyValue {
    std::optional<std::string> value; ///< nullopt: cannot be used (note says why)
    std::string note;                 ///< how it was read ("10 minutes = 600 seconds"), or ""
};

/// Convert `value` (trimmed) as `conversion` says.
LegacyValue convert_legacy_value(LegacyConversion conversion, std::string_view value);

} // namespace dms
