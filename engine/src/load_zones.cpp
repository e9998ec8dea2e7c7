// SPDX-License-Identifier: GPL-3.0-or-later
// load_zones: many zones per transaction (see zone_engine.hpp). Parsed first, outside
// the transaction; then the good ones go in with one COPY of zones, one of ZIs and one
// of events, and a transaction the database refuses falls back to create_zone one by
// one.
#include <set>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/zone_validate.hpp"
#include "dms/db/audit.hpp"
#include "dms/db/zis.hpp"
#include "dms/engine/zone_engine.hpp"

#include "zone_content.hpp"
#include "zone_events.hpp"
#include "zone_lookup.hpp"

namespace dms::engine {

using namespace detail;

void ZoneEngine::load_zones(std::vector<ZoneLoad>& items, const CreateOptions& options) {
    CreateOptions opt = options;
    opt.batch = true;
    // Parsed outside the transaction; only the good ones go on.
    struct Item {
        ZoneLoad* load;
        ZoneData data;
        std::uint32_t file_serial = 0;
    };
    std::vector<Item> parsed;
    for (auto& item : items) {
        if (!item.error.empty()) {
            continue; // failed before (an unreadable file): left as it is
        }
        item.zone.reset();
        try {
            auto check = check_zone_text(item.text, item.name, item.name.empty(), false);
            if (!check.ok()) {
                throw_findings(item.source, check.findings);
            }
            check.zone.name = new_zone_name_or_throw(check.zone.name);
            const auto serial = check.zone.soa.serial;
            parsed.push_back({&item, std::move(check.zone), serial});
        } catch (const Error& e) {
            item.error = e.what();
        }
    }
    if (parsed.empty()) {
        return;
    }
    std::vector<std::pair<std::string, std::int64_t>> new_references;
    try {
        m_session.transaction("load_zones", [&](db::Transaction& tx) {
            new_references.clear();
            std::vector<std::string> names;
            for (auto& it : parsed) {
                it.load->zone.reset();
                it.load->error.clear();
                names.push_back(it.data.name);
            }
            const auto live = db::zones::live_names(tx, names);
            std::set<std::string, std::less<>> taken(live.begin(), live.end());
            std::vector<Item*> good;
            std::vector<db::ZoneRecord> zones;
            for (auto& it : parsed) {
                const auto& zname = it.data.name;
                if (!taken.insert(zname).second) {
                    it.load->error = fmt::format("zone '{}' already exists", zname);
                    continue;
                }
                // A refusal of this zone alone (its SG, its reference, its content)
                // leaves it out; a database error ends the chunk (see below).
                try {
                    auto nz = new_zone_record(tx, zname, opt, &it.data);
                    if (nz.new_reference) {
                        new_references.push_back(*nz.new_reference);
                    }
                    prepare_content(tx, nz.zone, it.data, it.file_serial, true);
                    const auto f =
                        validate_zone(it.data, validate_options(m_config, nz.zone.use_apex_ns));
                    if (has_errors(f)) {
                        throw_findings(it.load->source, f);
                    }
                    good.push_back(&it);
                    zones.push_back(std::move(nz.zone));
                } catch (const DatabaseError&) {
                    throw;
                } catch (const Error& e) {
                    it.load->error = e.what();
                }
            }
            if (good.empty()) {
                return;
            }
            db::zones::insert_many(tx, zones);
            std::vector<db::zis::NewZi> zis;
            for (std::size_t i = 0; i < good.size(); ++i) {
                zis.push_back({zones[i].id, &good[i]->data});
            }
            const auto zi_ids = db::zis::insert_many(tx, zis, m_caller.change_by());
            ZoneBatch batch;
            std::vector<db::audit::Entry> audits;
            for (std::size_t i = 0; i < good.size(); ++i) {
                auto& z = zones[i];
                batch.events.fresh_zone(z.id);
                sm::ZoneEventParams p;
                p.zi_id = zi_ids[i];
                run_zone_event_batched(tx, m_config, z, sm::EventType::zone_do_batch_config, p,
                                       m_caller.change_by(), batch);
                audits.push_back({m_caller.change_by(), "load_zones", z.name, z.id, std::nullopt,
                                  fmt::format(R"({{"zi_id": {}, "records": {}}})", zi_ids[i],
                                              good[i]->data.rr_count())});
            }
            db::zones::update_many(tx, zones);
            batch.events.flush(tx);
            db::audit::record_many(tx, audits);
            for (std::size_t i = 0; i < good.size(); ++i) {
                log::info("zone " + zones[i].name, "load_zones",
                          "created by {} with ZI {} ({} records)", m_caller.change_by(), zi_ids[i],
                          good[i]->data.rr_count());
                good[i]->load->zone = zones[i];
            }
        });
    } catch (const DatabaseError& e) {
        // A zone created by someone else meanwhile, or another zone's data the database
        // refused: the zones go one by one, each with its own error.
        log::notice("zone_tool", "load_zones",
                    "{} zones in one transaction failed ({}); "
                    "creating them one by one",
                    parsed.size(), e.what());
        for (auto& it : parsed) {
            it.load->zone.reset();
            it.load->error.clear();
            try {
                it.data.soa.serial = it.file_serial;
                const auto zname = it.data.name;
                it.load->zone = create_zone(zname, opt, std::move(it.data), it.load->source);
            } catch (const Error& e2) {
                it.load->error = e2.what();
            }
        }
        return;
    }
    for (auto& r : new_references) {
        m_defaults.ref_ids.insert(r); // committed now: safe to reuse
    }
}

} // namespace dms::engine
