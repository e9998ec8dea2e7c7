// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>

#include "dms/engine/lock_holder.hpp"

namespace dms::engine {

/// Who asks: the login id and the security tag it acts under (REFERENCE.md 6.3).
struct Caller {
    std::string login_id;         ///< "user@host" (local_login_id())
    std::string sectag = "Admin"; ///< Admin sees everything and is never stored
    /// The process acting, when it is the operator's own (zone_tool): recorded with an
    /// edit lock so that the lock goes when the process does. Not for a server acting
    /// for remote users (the API), which outlives their edits.
    std::optional<LockHolder> process;

    bool admin() const { return sectag == "Admin"; }
    /// "user@host/sectag", stored as change_by and locked_by.
    std::string change_by() const { return login_id + "/" + sectag; }
};

/// Who runs this process: "<account>@<host>", the account of the real uid from the
/// password database (never $USER or $LOGNAME); run through sudo, followed by
/// " (sudo <SUDO_USER>)" when an ancestor sudo process confirms it (its real uid is
/// SUDO_UID, the account SUDO_USER names). "uid<N>" for a uid without an account.
std::string local_login_id();

/// The caller running this process: local_login_id() as Admin, with this process.
Caller local_caller();

} // namespace dms::engine
