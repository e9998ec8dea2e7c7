// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/vacuum.hpp"

#include <charconv>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/vacuum.hpp"
#include "dms/db/zone_cfg.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/zone_context.hpp"
#include "dms/sm/names.hpp"

#include "audit.hpp"

namespace dms::engine {
namespace {

/// zone_del_age 0: "off", as the original's zone_del_off_age.
constexpr double zone_del_off_age = 366000;
/// Zones looked at per page by vacuum_zis and the paring.
constexpr std::int64_t zone_page = 100;

VacuumResult started(std::string operation, std::string what, double age_days) {
    VacuumResult r;
    r.operation = std::move(operation);
    r.what = std::move(what);
    r.age_days = age_days;
    return r;
}

std::optional<double> parse_days(const std::string& text) {
    double v = 0;
    const auto* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || v < 0) {
        return std::nullopt;
    }
    return v;
}

} // namespace

VacuumEngine::VacuumEngine(db::Session& session, const Config& config, Caller caller,
                           std::int64_t batch)
    : m_session(session), m_config(config), m_caller(std::move(caller)),
      m_batch(std::max<std::int64_t>(1, batch)) {}

void VacuumEngine::require_primary() {
    if (m_session.in_recovery()) {
        throw Error(ErrorCode::db_read_only,
                    fmt::format("{}: read-only replica: vacuum runs on the live master only",
                                m_session.describe()));
    }
}

double VacuumEngine::cfg_days(const char* key, double fallback) {
    const auto text =
        m_session.transaction("zone_cfg", [&](db::Transaction& tx) -> std::optional<std::string> {
            return db::zone_cfg::value(tx, key);
        });
    if (!text) {
        return fallback;
    }
    const auto v = parse_days(*text);
    if (!v) {
        throw Error(ErrorCode::zone_cfg_item_value_error,
                    fmt::format("zone_cfg {} is '{}': not a number of days", key, *text));
    }
    return *v;
}

void VacuumEngine::record(const VacuumResult& r) {
    log::info("vacuum", r.operation, "{} {} older than {:g} days removed in {} batch(es){}",
              r.removed, r.what, r.age_days, r.batches,
              r.files_queued.empty()
                  ? ""
                  : fmt::format(", zone files of {} queued for removal", r.files_queued.size()));
    if (r.removed == 0 && r.files_queued.empty()) {
        return;
    }
    m_session.transaction("audit", [&](db::Transaction& tx) {
        detail::audit(tx, m_caller, r.operation, r.what, std::nullopt,
                      fmt::format(R"({{"removed": {}, "age_days": {}, "files_queued": {}}})",
                                  r.removed, r.age_days, r.files_queued.size()));
    });
}

void VacuumEngine::drain(VacuumResult& r, const Batch& one_batch) {
    for (;;) {
        const auto n = m_session.transaction(r.operation, one_batch);
        if (n == 0) {
            return;
        }
        r.removed += n;
        ++r.batches;
    }
}

void VacuumEngine::drain_by_zone(VacuumResult& r, const ZonePage& next_page,
                                 const ZoneBatch& one_batch) {
    std::int64_t after = 0;
    for (;;) {
        const auto page = m_session.transaction(
            r.operation, [&](db::Transaction& tx) { return next_page(tx, after); });
        if (page.empty()) {
            return;
        }
        after = page.back();
        drain(r, [&](db::Transaction& tx) { return one_batch(tx, page); });
    }
}

VacuumResult VacuumEngine::event_queue(std::optional<double> age_days) {
    require_primary();
    auto r =
        started("vacuum_event_queue", "events", age_days.value_or(cfg_days("event_max_age", 120)));
    drain(r, [&](db::Transaction& tx) { return db::vacuum::events(tx, r.age_days, m_batch); });
    record(r);
    return r;
}

VacuumResult VacuumEngine::zones(std::optional<double> age_days) {
    require_primary();
    auto r = started("vacuum_zones", "zones", age_days.value_or(cfg_days("zone_del_age", 0)));
    const double age = r.age_days > 0 ? r.age_days : zone_del_off_age;
    if (r.age_days <= 0) {
        r.note = "zone_del_age 0: only nuked zones";
    }
    std::int64_t after = 0;
    for (;;) {
        const auto more = m_session.transaction("vacuum_zones", [&](db::Transaction& tx) {
            const auto found = db::vacuum::deleted_zones(tx, age, after, m_batch);
            std::vector<std::int64_t> gone;
            std::vector<std::string> names;
            for (const auto& z : found) {
                after = std::max(after, z.id);
                if (!z.zone_files) {
                    gone.push_back(z.id);
                    names.push_back(z.name);
                    continue;
                }
                // Its files first (dmsd removes them); destroyed by the next vacuum.
                if (const auto rec = db::zones::find_by_id(tx, z.id, true)) {
                    ZoneDbContext(tx, m_config)
                        .reconfig_schedule(to_zone_row(*rec), sm::EventType::zone_remove_zone_files,
                                           false, false, {});
                    r.files_queued.push_back(z.name);
                }
            }
            const auto n = db::vacuum::destroy_zones(tx, gone);
            if (n > 0) {
                r.removed += n;
                ++r.batches;
                r.zones.insert(r.zones.end(), names.begin(), names.end());
            }
            return static_cast<std::int64_t>(found.size()) == m_batch;
        });
        if (!more) {
            break;
        }
    }
    record(r);
    return r;
}

VacuumResult VacuumEngine::zis(std::optional<double> age_days,
                               std::optional<std::int64_t> max_num) {
    require_primary();
    auto r = started("vacuum_zis", "zone instances", age_days.value_or(cfg_days("zi_max_age", 90)));
    const auto keep = max_num.value_or(static_cast<std::int64_t>(cfg_days("zi_max_num", 25)));
    if (keep < 0) {
        throw Error(ErrorCode::usage, fmt::format("zi_max_num {} is negative", keep));
    }
    drain_by_zone(
        r,
        [&](db::Transaction& tx, std::int64_t after) {
            return db::vacuum::zones_with_many_zis(tx, keep, after, zone_page);
        },
        [&](db::Transaction& tx, const std::vector<std::int64_t>& page) {
            return db::vacuum::old_zis(tx, page, keep, r.age_days, m_batch);
        });
    r.note = fmt::format("keeping each zone's newest {}", keep);
    record(r);
    return r;
}

VacuumResult VacuumEngine::pare_deleted_zone_zis(std::optional<double> age_days) {
    require_primary();
    auto r = started("vacuum_pare_deleted_zone_zis", "zone instances",
                     age_days.value_or(cfg_days("zone_del_pare_age", 90)));
    if (r.age_days <= 0) {
        r.note = "off (zone_del_pare_age 0)";
        return r;
    }
    drain_by_zone(
        r,
        [&](db::Transaction& tx, std::int64_t after) {
            return db::vacuum::deleted_zones_to_pare(tx, r.age_days, after, zone_page);
        },
        [&](db::Transaction& tx, const std::vector<std::int64_t>& page) {
            return db::vacuum::pare_zis(tx, page, m_batch);
        });
    record(r);
    return r;
}

VacuumResult VacuumEngine::audit(std::optional<double> age_days) {
    require_primary();
    auto r =
        started("vacuum_audit", "audit rows", age_days.value_or(cfg_days("syslog_max_age", 120)));
    if (r.age_days < 30) {
        r.note = "rows younger than 30 days are always kept";
    }
    drain(r, [&](db::Transaction& tx) { return db::vacuum::audit(tx, r.age_days, m_batch); });
    record(r);
    return r;
}

std::vector<VacuumResult> VacuumEngine::all() {
    std::vector<VacuumResult> out;
    out.push_back(event_queue());
    out.push_back(zones());
    out.push_back(zis());
    out.push_back(pare_deleted_zone_zis());
    out.push_back(audit());
    return out;
}

} // namespace dms::engine
