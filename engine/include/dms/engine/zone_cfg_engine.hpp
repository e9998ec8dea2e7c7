// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Central zone configuration: the zone_cfg defaults (show_config, set_config) and the
// apex NS servers (show_apex_ns, edit_apex_ns), REFERENCE.md 5.2. Apex NS servers are
// zone_cfg rows too (key apex_ns, a list per server group or the global one): set_config
// refuses the key and points to edit_apex_ns, and both resolve the SG and check values
// alike. Each call is one transaction; refusals are dms::Error (ZoneCfgItemValueError,
// SgNameRequired, NoSgFound, usage) and change nothing. Every change is audited.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/db/session.hpp"
#include "dms/db/zone_cfg.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

class ZoneCfgEngine {
public:
    ZoneCfgEngine(db::Session& session, Caller caller);

    std::vector<db::ZoneCfgRow> show_config();
    /// Set a zone_cfg key, globally or for one SG; the value is checked for the key.
    void set_config(std::string_view key, std::string_view value, std::string_view sg_name);
    /// apex_ns of an SG ("" = the default SG's, as zones without their own SG see it).
    std::vector<std::string> apex_ns(std::string_view sg_name);
    void set_apex_ns(std::string_view sg_name, const std::vector<std::string>& names);

private:
    db::Session& m_session;
    Caller m_caller;
};

/// Characters of one zone_cfg value (the column is varchar(1024)).
inline constexpr std::size_t max_config_value = 1024;
/// The largest age in days of the *_age settings (a century).
inline constexpr double max_age_days = 36500;

/// Check a zone_cfg value for its key; "" if fine, else the problem.
std::string check_config_value(std::string_view key, std::string_view value);

/// zone_cfg booleans: true/false, on/off, yes/no, 1/0; std::nullopt for anything else.
std::optional<bool> parse_config_bool(std::string_view value);

} // namespace dms::engine
