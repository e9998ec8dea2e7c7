// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// This machine, as dms names it in the database (worker ids, edit-lock holders,
// sm_master.master_hostname, change_by).

#include <string>

namespace dms {

/// gethostname(); "" if it fails.
std::string host_name();

} // namespace dms
