// SPDX-License-Identifier: GPL-3.0-or-later
#include "sg_lookup.hpp"

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/db/zone_cfg.hpp"

namespace dms::engine::detail {

db::SgRecord require_sg(db::Transaction& tx, std::string_view name, bool for_update) {
    auto sg = for_update ? db::sgs::lock(tx, name) : db::sgs::find(tx, name);
    if (!sg) {
        throw Error(ErrorCode::no_sg_found, fmt::format("server group '{}' not found", name));
    }
    return *sg;
}

db::SgRecord sg_or_default(db::Transaction& tx, std::string_view name) {
    if (!name.empty()) {
        return require_sg(tx, name, false);
    }
    const auto def = db::zone_cfg::value(tx, "default_sg");
    if (!def || def->empty()) {
        throw Error(ErrorCode::no_sg_found, "no server group given and zone_cfg has no default_sg");
    }
    return require_sg(tx, *def, false);
}

} // namespace dms::engine::detail
