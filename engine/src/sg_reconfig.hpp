// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the engine: queueing the master's reconfiguration of server groups, in the
// caller's transaction (what reconfigures what: sg_engine.hpp).

#include <cstdint>

#include "dms/db/session.hpp"
#include "dms/db/sgs.hpp"

namespace dms::engine::detail {

/// Queue MasterSMPartialReconfig {"sg_id", "sg_name"} (coalesced); the event id.
std::int64_t queue_partial_reconfig(db::Transaction& tx, const db::SgRecord& sg);
/// Queue MasterSMAllReconfig (coalesced); the event id.
std::int64_t queue_all_reconfig(db::Transaction& tx);

} // namespace dms::engine::detail
