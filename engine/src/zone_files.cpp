// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/zone_files.hpp"

#include "dms/core/zone_text.hpp"
#include "dms/db/zis.hpp"
#include "dms/engine/apex.hpp"

namespace dms::engine {

std::optional<PublishableZone> publishable_zone(db::Transaction& tx, const std::string& name,
                                                std::int64_t zi_id, bool use_apex_ns,
                                                std::optional<std::int64_t> sg_id) {
    auto data = db::zis::load(tx, zi_id);
    if (!data) {
        return std::nullopt;
    }
    PublishableZone out{std::move(*data), false};
    out.data.name = name;
    out.apex_changed = engine::refresh_apex(tx, use_apex_ns, sg_id, out.data);
    return out;
}

std::string zone_file_text(const ZoneData& zone) {
    PrintOptions o;
    o.for_named = true;
    return print_zone_text(zone, {}, o);
}

} // namespace dms::engine
