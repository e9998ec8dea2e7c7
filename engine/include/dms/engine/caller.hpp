// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>

#include "dms/engine/lock_holder.hpp"

namespace dms::engine {

/// Who asks: the login id and the security tag it acts under (REFERENCE.md 6.3).
struct Caller {
    std::string login_id;         ///< "user@host"
    std::string sectag = "Admin"; ///< Admin sees everything and is never stored
    /// The process acting, when it is the operator's own (zone_tool): recorded with an
    /// edit lock so that the lock goes when the process does. Not for a server acting
    /// for remote users (the API), which outlives their edits.
    std::optional<LockHolder> process;

    bool admin() const { return sectag == "Admin"; }
    /// "user@host/sectag", stored as change_by and locked_by.
    std::string change_by() const { return login_id + "/" + sectag; }
};

/// The caller running this process: "<unix user>@<fqdn>" as Admin, with this process.
Caller local_caller();

} // namespace dms::engine
