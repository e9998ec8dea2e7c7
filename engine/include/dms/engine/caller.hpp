// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace dms::engine {

/// Who asks: the login id and the security tag it acts under (REFERENCE.md 6.3).
struct Caller {
    std::string login_id;         ///< "user@host"
    std::string sectag = "Admin"; ///< Admin sees everything and is never stored

    bool admin() const { return sectag == "Admin"; }
    /// "user@host/sectag", stored as change_by and locked_by.
    std::string change_by() const { return login_id + "/" + sectag; }
};

/// The caller running this process: "<unix user>@<fqdn>" as Admin.
Caller local_caller();

} // namespace dms::engine
