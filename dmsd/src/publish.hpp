// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Publishing a zone instance to the master named (REFERENCE.md 7.4) with one RFC 2136
// UPDATE: read what named serves (AXFR without the DNSSEC types), compare with the ZI,
// send the difference and the new SOA, guarded by the SOA named served.

#include <string>

#include "dms/db/session.hpp"
#include "dms/drivers/named_driver.hpp"
#include "dms/sm/zone_sm.hpp"

namespace dms::dmsd {

struct PublishOutcome {
    sm::ZoneSmContext::PublishResult result = sm::ZoneSmContext::PublishResult::retry;
    std::string detail; ///< what happened, for the event's message or error
};

/// Publish the candidate ZI of `row` (params say only how to choose the serial). On ok/nochange
/// sets row.zi_id and row.soa_serial and records the serial and time on the ZI (a ZI whose apex
/// zone_cfg changed is stored anew first); otherwise the database is untouched. Throws dms::Error
/// only for database failures.
PublishOutcome publish_zone(db::Transaction& tx, drivers::NamedDriver& named, sm::ZoneRow& row,
                            const sm::ZoneEventParams& params);

} // namespace dms::dmsd
