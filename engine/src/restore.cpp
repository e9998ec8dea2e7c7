// SPDX-License-Identifier: GPL-3.0-or-later
// restore_named_db. The original took 20-30 minutes for 40,000 zones (a query per zone
// and record); this reads zones a thousand at a time and updates them in one statement.
#include "dms/engine/restore.hpp"

#include <map>
#include <unistd.h>

#include "dms/core/logging.hpp"
#include "dms/core/serial.hpp"
#include "dms/db/events.hpp"
#include "dms/db/zis.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/apex.hpp"
#include "dms/engine/master_config.hpp"
#include "dms/engine/zone_files.hpp"

namespace dms::engine {

namespace {
constexpr std::size_t batch = 1000;
}

RestoreReport restore_named_db(db::Session& session, drivers::NamedDriver& named) {
    const auto start = std::chrono::steady_clock::now();
    RestoreReport report;
    session.transaction("restore_named_db", [&](db::Transaction& tx) {
        const auto zones = db::zones::restore_list(tx);
        ApexCache apex(tx);
        std::vector<db::Restored> restored;
        std::vector<std::pair<std::int64_t, std::uint32_t>> published;
        std::vector<std::int64_t> ids;
        restored.reserve(zones.size());
        // Each chunk's files go to disk together (DeferredSync), all before the commit.
        DeferredSync files;
        for (std::size_t i = 0; i < zones.size(); i += batch) {
            const auto end = std::min(zones.size(), i + batch);
            std::vector<std::int64_t> zi_ids;
            for (std::size_t k = i; k < end; ++k) {
                zi_ids.push_back(zones[k].zi_id);
            }
            auto data = db::zis::load_many(tx, zi_ids);
            for (std::size_t k = i; k < end; ++k) {
                const auto& z = zones[k];
                auto it = data.find(z.zi_id);
                if (it == data.end()) {
                    continue;
                }
                auto& zone = it->second;
                zone.name = z.name;
                apex.refresh(z.use_apex_ns, z.sg_id, zone);
                // A candidate never published (saved while named was down) gets the
                // serial publishing would give it: with the serial of what was published,
                // the slaves would keep their older copy as current.
                if (z.published_serial && z.published_zi_id != z.zi_id) {
                    serial::SerialRequest req;
                    req.current = zone.soa.serial;
                    req.published = static_cast<serial::Serial>(*z.published_serial);
                    req.today =
                        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
                    zone.soa.serial = serial::next_serial(req);
                }
                named.write_zone_file(z.name, zone_file_text(zone), &files);
                restored.push_back({z.id, z.zi_id, zone.soa.serial});
                published.emplace_back(z.zi_id, zone.soa.serial);
                ids.push_back(z.id);
            }
            files.sync();
        }
        db::zones::mark_restored(tx, restored);
        db::zis::mark_published(tx, published);
        report.cancelled_events =
            db::events::cancel_zone_work(tx, ids, "superseded by restore_named_db");
        named.write_master_config(load_master_config(tx).config);
        report.zones = restored.size();
    });
    report.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    log::notice("master", "restore_named_db", "{} zone files and the includes written in {} ms",
                report.zones, report.took.count());
    return report;
}

} // namespace dms::engine
