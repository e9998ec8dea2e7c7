// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Security tags: defining them and giving them to zones, the operations behind
// show_sectags ... replace_zone_sectags (REFERENCE.md 5.2). Each call is one
// transaction; refusals are dms::Error (usage for a bad tag, ZoneSecTagExists,
// ZoneSecTagDoesNotExist, ZoneSecTagStillUsed, ZoneNotFound) and change nothing. Every
// change is audited.

#include <string>
#include <string_view>
#include <vector>

#include "dms/db/session.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

class SectagEngine {
public:
    SectagEngine(db::Session& session, Caller caller);

    /// The defined tags, by name.
    std::vector<std::string> list_sectags();
    /// Letters, digits and -_., at most 60, not Admin.
    void create_sectag(std::string_view sectag);
    /// Refused while a zone carries it.
    void delete_sectag(std::string_view sectag);

    /// The tags the zone carries, by name.
    std::vector<std::string> zone_sectags(std::string_view zone);
    void add_zone_sectag(std::string_view zone, std::string_view sectag);
    void delete_zone_sectag(std::string_view zone, std::string_view sectag);
    /// The zone carries exactly `sectags` afterwards (each must be defined).
    void replace_zone_sectags(std::string_view zone, const std::vector<std::string>& sectags);

private:
    db::Session& m_session;
    Caller m_caller;
};

} // namespace dms::engine
