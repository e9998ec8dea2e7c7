// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// References, security tags and central zone configuration (zone_cfg, apex NS):
// the operations behind ls_reference ... edit_apex_ns (REFERENCE.md 5.2). Each call
// is one transaction; refusals are dms::Error and change nothing.

#include <optional>
#include <string>
#include <vector>

#include "dms/db/references.hpp"
#include "dms/db/session.hpp"
#include "dms/db/zone_cfg.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

class CatalogEngine {
public:
    CatalogEngine(db::Session& session, Caller caller);

    std::vector<db::ReferenceRecord> list_references(const std::vector<std::string>& patterns);
    void create_reference(std::string_view reference);
    /// Refused while a zone uses it.
    void delete_reference(std::string_view reference);
    void rename_reference(std::string_view reference, std::string_view new_name);

    std::vector<std::string> list_sectags();
    void create_sectag(std::string_view sectag);
    /// Refused while a zone carries it.
    void delete_sectag(std::string_view sectag);
    std::vector<std::string> zone_sectags(std::string_view zone);
    void add_zone_sectag(std::string_view zone, std::string_view sectag);
    void delete_zone_sectag(std::string_view zone, std::string_view sectag);
    void replace_zone_sectags(std::string_view zone, const std::vector<std::string>& sectags);

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

} // namespace dms::engine
