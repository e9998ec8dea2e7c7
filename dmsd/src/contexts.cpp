// SPDX-License-Identifier: GPL-3.0-or-later
#include "contexts.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/events.hpp"
#include "dms/db/master.hpp"
#include "dms/db/queue.hpp"
#include "dms/engine/master_config.hpp"
#include "dms/engine/zone_files.hpp"

#include "publish.hpp"

namespace dms::dmsd {

DmsdZoneContext::NamedSoa DmsdZoneContext::query_named_soa(const sm::ZoneRow& row) {
    const auto soa = m_named.zone_soa(row.name);
    m_detail = soa.detail;
    switch (soa.kind) {
    case drivers::ZoneSoa::Kind::served:
        return NamedSoa::ok;
    case drivers::ZoneSoa::Kind::not_served:
        return NamedSoa::reset;
    case drivers::ZoneSoa::Kind::not_loaded:
        if (auto why = m_named.zone_load_problem(row.name)) {
            m_detail = "named cannot load the zone file: " + *why;
            return NamedSoa::unloadable;
        }
        break;
    case drivers::ZoneSoa::Kind::unknown:
        break;
    }
    return NamedSoa::error;
}

void DmsdZoneContext::write_zone_file(const sm::ZoneRow& row) {
    const auto zi = row.zi_candidate_id ? row.zi_candidate_id : row.zi_id;
    const auto pz = zi ? engine::publishable_zone(tx(), row.name, *zi, row.use_apex_ns, row.sg_id)
                       : std::nullopt;
    if (!pz) {
        throw Error(ErrorCode::zi_not_found,
                    fmt::format("zone {}: no zone instance to write ({})", row.name,
                                zi ? std::to_string(*zi) : "none"));
    }
    m_named.write_zone_file(row.name, engine::zone_file_text(pz->data), m_files);
}

void DmsdZoneContext::remove_zone_files(const sm::ZoneRow& row) {
    m_named.remove_zone_files(row.name);
}

DmsdZoneContext::PublishResult DmsdZoneContext::publish(sm::ZoneRow& row,
                                                        const sm::ZoneEventParams& params) {
    auto o = publish_zone(tx(), m_named, row, params);
    m_detail = std::move(o.detail);
    return o.result;
}

} // namespace dms::dmsd
