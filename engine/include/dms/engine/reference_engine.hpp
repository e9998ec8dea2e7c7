// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// References: the operations behind ls_reference, create_reference, delete_reference and
// rename_reference (REFERENCE.md 5.2). A zone's own reference is set with
// ZoneEngine::set_zone_reference. Each call is one transaction; refusals are dms::Error
// (ReferenceFormatError, ReferenceExists, ReferenceDoesNotExist, ReferenceStillUsed) and
// change nothing. Every change is audited.

#include <string>
#include <string_view>
#include <vector>

#include "dms/db/references.hpp"
#include "dms/db/session.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

class ReferenceEngine {
public:
    ReferenceEngine(db::Session& session, Caller caller);

    /// References matching any of the wildcard patterns (all when none), ignoring case.
    std::vector<db::ReferenceRecord> list_references(const std::vector<std::string>& patterns);
    void create_reference(std::string_view reference);
    /// Refused while a zone uses it.
    void delete_reference(std::string_view reference);
    void rename_reference(std::string_view reference, std::string_view new_name);

private:
    db::Session& m_session;
    Caller m_caller;
};

} // namespace dms::engine
