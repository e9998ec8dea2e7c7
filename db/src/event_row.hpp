// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the db layer: the columns of an EventRecord and how to read them, shared
// by the events and queue repositories.

#include "dms/db/events.hpp"

#include "convert.hpp"

namespace dms::db::detail {

// The select list and FROM clause (with the zone and server names joined) of an event.
#define DMS_EVENT_COLUMNS                                                                          \
    "e.id, e.event_type, e.state, (extract(epoch from e.scheduled) * 1000000)::bigint,"            \
    " (extract(epoch from e.created) * 1000000)::bigint,"                                          \
    " (extract(epoch from e.processed) * 1000000)::bigint, e.parameters::text,"                    \
    " coalesce(e.results::text, ''), e.result_code, e.zone_id, e.server_id, e.master_id,"          \
    " e.attempts, coalesce(e.last_error, ''), coalesce(z.name, ''), coalesce(s.name, ''),"         \
    " coalesce(e.claimed_by, '')"                                                                  \
    " FROM sm_event_queue e LEFT JOIN sm_zone z ON z.id = e.zone_id"                               \
    " LEFT JOIN sm_servers s ON s.id = e.server_id "

inline EventRecord read_event(const pqxx::row& r) {
    EventRecord e;
    e.id = r[0].as<std::int64_t>();
    e.event_type = r[1].c_str();
    e.state = r[2].c_str();
    e.scheduled = from_epoch_us(r[3].as<long long>());
    e.created = from_epoch_us(r[4].as<long long>());
    e.processed = opt_time(r[5]);
    e.parameters = r[6].c_str();
    e.results = r[7].c_str();
    e.result_code = opt<int>(r[8]);
    e.zone_id = opt<std::int64_t>(r[9]);
    e.server_id = opt<std::int64_t>(r[10]);
    e.master_id = opt<std::int64_t>(r[11]);
    e.attempts = r[12].as<int>();
    e.last_error = r[13].c_str();
    e.zone_name = r[14].c_str();
    e.server_name = r[15].c_str();
    e.claimed_by = r[16].c_str();
    return e;
}

} // namespace dms::db::detail
