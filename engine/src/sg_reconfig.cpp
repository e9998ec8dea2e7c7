// SPDX-License-Identifier: GPL-3.0-or-later
#include "sg_reconfig.hpp"

#include <boost/json.hpp>

#include "dms/db/events.hpp"

namespace dms::engine::detail {

std::int64_t queue_partial_reconfig(db::Transaction& tx, const db::SgRecord& sg) {
    db::NewEvent e;
    e.event_type = "MasterSMPartialReconfig";
    e.master_id = 1;
    e.parameters =
        boost::json::serialize(boost::json::object{{"sg_id", sg.id}, {"sg_name", sg.name}});
    e.coalesce = true;
    return db::events::insert(tx, e);
}

std::int64_t queue_all_reconfig(db::Transaction& tx) {
    db::NewEvent e;
    e.event_type = "MasterSMAllReconfig";
    e.master_id = 1;
    e.coalesce = true;
    return db::events::insert(tx, e);
}

} // namespace dms::engine::detail
