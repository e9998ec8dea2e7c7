// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the engine: a server group by name, or the Error the operator sees when
// there is none.

#include <string_view>

#include "dms/db/session.hpp"
#include "dms/db/sgs.hpp"

namespace dms::engine::detail {

/// The SG (locked if asked) or Error(no_sg_found).
db::SgRecord require_sg(db::Transaction& tx, std::string_view name, bool for_update);
/// The SG named, or zone_cfg default_sg when `name` is "".
db::SgRecord sg_or_default(db::Transaction& tx, std::string_view name);

} // namespace dms::engine::detail
