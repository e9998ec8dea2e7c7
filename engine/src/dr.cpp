// SPDX-License-Identifier: GPL-3.0-or-later
// The DR pair: fencing, promote_replica, the pair's status (dms/engine/dr.hpp).
#include "dms/engine/dr.hpp"

#include <filesystem>
#include <future>
#include <map>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/core/host.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/serial.hpp"
#include "dms/db/master.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zis.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/apex.hpp"
#include "dms/engine/master_config.hpp"
#include "dms/engine/master_context.hpp"
#include "dms/engine/rndc_conf.hpp"
#include "dms/engine/server_context.hpp"
#include "dms/engine/sg_engine.hpp"
#include "dms/engine/zone_files.hpp"

#include "audit.hpp"
#include "zone_events.hpp"

namespace dms::engine {

using namespace detail;

std::string node_name(const Config& config) {
    const auto& n = config.value("node_name");
    return n.empty() ? host_name() : n;
}

namespace {

std::string format_age(std::chrono::system_clock::time_point t) {
    const auto s =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - t)
            .count();
    return fmt::format("{} s ago", s);
}

/// The partner's database: this site's connection settings with the partner's host and
/// port, and a short connect timeout (a partner that is down must not delay dmsd long).
DbSettings partner_db(const Config& config) {
    DbSettings p = config.db;
    p.host = config.value("dr_partner_db_host");
    p.port = static_cast<int>(config.number("dr_partner_db_port"));
    p.connect_timeout = std::min(p.connect_timeout, 5);
    return p;
}

} // namespace

void check_not_fenced(db::Session& session, const Config& config, bool force) {
    const auto me = node_name(config);
    const auto [mine, timeline] = session.transaction("fencing check", [](db::Transaction& tx) {
        return std::pair{db::master::get(tx), db::replication::timeline(tx)};
    });
    const auto refuse = [&](const std::string& why) {
        if (force) {
            log::warning("dmsd", "fencing", "{}; starting anyway (--force)", why);
            return;
        }
        throw Error(ErrorCode::master_fenced,
                    fmt::format("fenced: {}. This node ({}) must not publish: if that node is "
                                "gone for good, promote this site (dms_promote_replica); to "
                                "rejoin as its replica, run dms_start_as_replica here; dmsd "
                                "--force overrides",
                                why, me));
    };
    if (!mine.master_hostname.empty() && mine.master_hostname != me) {
        refuse(fmt::format("database {} records node '{}' as the active master (since {})",
                           session.describe(), mine.master_hostname, format_age(mine.mtime)));
    }
    if (config.value("dr_partner_db_host").empty()) {
        return;
    }
    const auto p = partner_db(config);
    const auto where = fmt::format("{}:{}/{}", p.host, p.port, p.name);
    try {
        auto partner = db::Session::open(p);
        struct Seen {
            bool standby = false;
            std::uint32_t timeline = 0;
            db::MasterRecord master;
        };
        const auto seen = partner.transaction("fencing check (partner)", [](db::Transaction& tx) {
            Seen s;
            s.standby = db::replication::in_recovery(tx);
            s.timeline = db::replication::timeline(tx);
            s.master = db::master::get(tx);
            return s;
        });
        if (seen.standby) {
            log::info("dmsd", "fencing",
                      "partner database {} is a hot standby: this site is "
                      "the master",
                      where);
            return;
        }
        if (seen.timeline > timeline && !seen.master.master_hostname.empty() &&
            seen.master.master_hostname != me) {
            refuse(fmt::format("the partner database {} was promoted (timeline {}, this "
                               "database's is {}) and records node '{}' as the active master "
                               "(since {})",
                               where, seen.timeline, timeline, seen.master.master_hostname,
                               format_age(seen.master.mtime)));
            return;
        }
        log::warning("dmsd", "fencing",
                     "partner database {} is a primary too (timeline {}, this one {}), naming "
                     "'{}' as master: not a standby of this site; check the DR pair",
                     where, seen.timeline, timeline, seen.master.master_hostname);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::master_fenced) {
            throw;
        }
        log::warning("dmsd", "fencing",
                     "partner database {} cannot be asked ({}): starting without knowing "
                     "whether it was promoted",
                     where, e.what());
    }
}

namespace {

/// Every enabled server and this site's own named, as the slave driver addresses them.
std::vector<drivers::SlaveTarget> serial_sources(db::Transaction& tx, const Config& config) {
    std::vector<drivers::SlaveTarget> out;
    drivers::SlaveTarget self;
    self.name = "this site's named";
    self.address = config.value("master_dns_address");
    self.dns_port = static_cast<int>(config.number("master_dns_port"));
    out.push_back(self);
    db::ServerFilter f;
    f.exclude_disabled = true;
    for (const auto& s : db::servers::list(tx, f)) {
        if (s.address == self.address && s.dns_port == self.dns_port) {
            continue;
        }
        out.push_back(to_slave_target(s));
    }
    return out;
}

struct Serials {
    std::optional<std::uint32_t> self;    ///< this site's named
    std::optional<std::uint32_t> highest; ///< over every answering source
};

/// Each zone's serial on each source, one thread per source (the driver allows it);
/// sources that do not answer a probe are skipped and named in `unreachable`.
std::map<std::string, Serials> collect_serials(drivers::SlaveDriver& slaves,
                                               const std::vector<drivers::SlaveTarget>& sources,
                                               const std::vector<std::string>& zones,
                                               std::vector<std::string>& unreachable) {
    using Answers = std::vector<std::optional<std::uint32_t>>;
    std::vector<std::future<std::optional<Answers>>> jobs;
    jobs.reserve(sources.size());
    for (const auto& s : sources) {
        jobs.push_back(std::async(std::launch::async, [&slaves, &zones, s] {
            if (slaves.probe(s).kind != drivers::SlaveStep::Kind::ok) {
                return std::optional<Answers>();
            }
            Answers a;
            a.reserve(zones.size());
            for (const auto& z : zones) {
                const auto r = slaves.zone_serial(s, z);
                a.push_back(r.kind == drivers::ZoneAnswer::Kind::serial ? std::optional(r.serial)
                                                                        : std::nullopt);
            }
            return std::optional(std::move(a));
        }));
    }
    std::map<std::string, Serials> out;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const auto answers = jobs[i].get();
        if (!answers) {
            unreachable.push_back(fmt::format("{} ({} port {})", sources[i].name,
                                              sources[i].address, sources[i].dns_port));
            continue;
        }
        for (std::size_t z = 0; z < zones.size(); ++z) {
            const auto& v = (*answers)[z];
            if (!v) {
                continue;
            }
            auto& s = out[zones[z]];
            if (i == 0) {
                s.self = *v;
            }
            if (!s.highest || serial::gt(*v, *s.highest)) {
                s.highest = *v;
            }
        }
    }
    return out;
}

/// A published zone that never reached this site's named (saved moments before the
/// master was lost) has no file here: named, as the master, would not load it. Write its
/// published ZI with its published serial, the content the slaves may have; the zone's
/// pending work then publishes as usual. The names written.
std::vector<std::string> write_missing_zone_files(db::Transaction& tx,
                                                  drivers::NamedDriver& named) {
    std::vector<db::RestoreZone> missing;
    for (auto& z : db::zones::restore_list(tx)) {
        if (z.published_zi_id && z.published_serial &&
            !std::filesystem::exists(named.zone_file_path(z.name))) {
            missing.push_back(std::move(z));
        }
    }
    std::vector<std::string> written;
    if (missing.empty()) {
        return written;
    }
    std::vector<std::int64_t> ids;
    ids.reserve(missing.size());
    for (const auto& z : missing) {
        ids.push_back(*z.published_zi_id);
    }
    auto data = db::zis::load_many(tx, ids);
    ApexCache apex(tx);
    DeferredSync files;
    for (const auto& z : missing) {
        auto it = data.find(*z.published_zi_id);
        if (it == data.end()) {
            continue;
        }
        auto& zone = it->second;
        zone.name = z.name;
        apex.refresh(z.use_apex_ns, z.sg_id, zone);
        zone.soa.serial = static_cast<std::uint32_t>(*z.published_serial);
        named.write_zone_file(z.name, zone_file_text(zone), &files);
        written.push_back(z.name);
        log::notice("zone " + z.name, "promote_replica",
                    "no zone file here (never received from the old master): wrote ZI {} at "
                    "serial {} from the database",
                    *z.published_zi_id, *z.published_serial);
    }
    files.sync();
    return written;
}

} // namespace

SerialFloors raise_serials_above_servers(db::Session& session, const Config& config,
                                         drivers::SlaveDriver& slaves, const Caller& caller,
                                         std::string_view operation) {
    SerialFloors r;
    std::vector<std::string> names;
    std::map<std::string, db::ZoneRecord> published;
    std::vector<drivers::SlaveTarget> sources;
    session.transaction(fmt::format("{}: zones", operation), [&](db::Transaction& tx) {
        names.clear();
        published.clear();
        for (auto& z : db::zones::list(tx, {})) {
            if (z.soa_serial) {
                names.push_back(z.name);
                published.emplace(z.name, std::move(z));
            }
        }
        sources = serial_sources(tx, config);
    });
    r.zones = names.size();
    r.servers = sources.size();
    const auto serials = collect_serials(slaves, sources, names, r.unreachable);
    session.transaction(fmt::format("{}: serials", operation), [&](db::Transaction& tx) {
        r.republished = 0;
        for (const auto& name : names) {
            const auto it = serials.find(name);
            if (it == serials.end()) {
                continue;
            }
            const auto recorded = static_cast<std::uint32_t>(*published.at(name).soa_serial);
            const auto& s = it->second;
            const bool ahead = s.highest && serial::gt(*s.highest, recorded);
            const bool differs = !s.self || *s.self != recorded;
            if (!ahead && !differs) {
                continue;
            }
            auto z = db::zones::find_by_id(tx, published.at(name).id, true);
            if (!z || !z->soa_serial) {
                continue;
            }
            if (ahead) {
                z->soa_serial = *s.highest;
                db::zones::update(tx, *z);
            }
            if (z->state == "PUBLISHED") {
                sm::ZoneEventParams p;
                p.force_soa_serial_update = true;
                run_zone_event(tx, config, *z, sm::EventType::zone_do_refresh, p,
                               caller.change_by());
            }
            ++r.republished;
            log::info("zone " + name, std::string(operation),
                      "recorded serial {}, this site's named {}, highest seen {}: publishing "
                      "with a serial above all",
                      recorded, s.self ? std::to_string(*s.self) : "none",
                      s.highest ? std::to_string(*s.highest) : "none");
        }
    });
    return r;
}

PromoteReport promote_replica(db::Session& session, const Config& config,
                              drivers::NamedDriver& named, drivers::SlaveDriver& slaves,
                              const Caller& caller) {
    PromoteReport r;
    const auto me = node_name(config);
    // 1. PostgreSQL.
    if (session.in_recovery()) {
        db::replication::promote(session, 60);
        r.promoted_database = true;
        r.done.push_back(fmt::format("promoted database {} (pg_promote)", session.describe()));
    } else {
        r.done.push_back(fmt::format("database {} is a primary already", session.describe()));
    }
    // 2. The identity, the old master's server row, the SGs' addresses.
    const auto address = config.value("master_dns_address");
    std::optional<std::string> old_row;
    session.transaction("promote_replica", [&](db::Transaction& tx) {
        old_row.reset();
        const auto before = db::master::get(tx);
        r.old_master = before.master_hostname;
        record_master_identity(tx, config);
        const auto after = db::master::get(tx);
        if (before.master_hostname == me) {
            r.done.push_back(fmt::format("node '{}' was the active master already", me));
        } else {
            r.done.push_back(
                fmt::format("recorded node '{}' as the active master (was '{}')", me,
                            before.master_hostname.empty() ? "none" : before.master_hostname));
            audit(tx, caller, "promote_replica", me, std::nullopt,
                  json_strings({{"old_master", before.master_hostname}, {"node", me}}));
        }
        if (before.master_server_id && before.master_server_id != after.master_server_id) {
            if (const auto old = db::servers::find_by_id(tx, *before.master_server_id, true);
                old && old->state != "DISABLED") {
                old_row = old->name;
            }
        }
        for (auto sg : db::sgs::list(tx)) {
            if (!sg.master_alt_address.empty() && sg.master_alt_address == address) {
                std::swap(sg.master_address, sg.master_alt_address);
                db::sgs::update(tx, sg);
                audit_change(tx, caller, "promote_replica", sg.name, std::nullopt,
                             {{"master_address", sg.master_address},
                              {"master_alt_address", sg.master_alt_address}});
                r.done.push_back(fmt::format("server group {}: master address {} (alternate {})",
                                             sg.name, sg.master_address, sg.master_alt_address));
            }
        }
    });
    // The old master's row (it is down, or fenced): disabled through ServerSM, so that
    // dmsd neither configures nor counts it; dms_start_as_replica there, then
    // enable_server here, brings it back as the replica.
    if (old_row) {
        run_server_event(session, config, caller, *old_row, sm::EventType::server_disable);
        r.done.push_back(fmt::format("disabled server {} (the old master's own row)", *old_row));
    }
    // 3. Serial floors.
    const auto floors =
        raise_serials_above_servers(session, config, slaves, caller, "promote_replica");
    r.zones = floors.zones;
    r.republished = floors.republished;
    r.unreachable = floors.unreachable;
    for (const auto& u : r.unreachable) {
        r.done.push_back("no answer from " + u + ": its serials are not known");
    }
    r.done.push_back(fmt::format("compared the serials of {} published zones on {} servers: {} "
                                 "queued for publishing with a new serial",
                                 r.zones, floors.servers - r.unreachable.size(), r.republished));
    // 4. Zone files this site never received, named's includes and rndc.conf.
    std::vector<std::string> written;
    const auto snapshot =
        session.transaction("promote_replica: master config", [&](db::Transaction& tx) {
            written = write_missing_zone_files(tx, named);
            return load_master_config(tx);
        });
    if (!written.empty()) {
        r.done.push_back(fmt::format("wrote {} zone files this site never received (e.g. {}) "
                                     "from the database",
                                     written.size(), written.front()));
    }
    named.write_master_config(snapshot.config);
    r.done.push_back(fmt::format("wrote the master named's includes in {} ({} zones)",
                                 config.value("master_config_dir"), snapshot.configured.size()));
    const auto entries = write_rndc_conf(session, config);
    r.done.push_back(fmt::format("wrote {} ({} servers)", config.value("rndc_conf_file"), entries));
    // 5. Every SG follows this site once dmsd runs.
    r.reconfig_event = SgEngine(session, config, caller).reconfig_all();
    r.done.push_back(fmt::format("queued MasterSMAllReconfig (event {}): dmsd reconfigures "
                                 "named and every server group",
                                 r.reconfig_event));
    return r;
}

ReplicationStatus replication_status(db::Session& session, const Config& config) {
    ReplicationStatus out;
    out.node = node_name(config);
    session.transaction("replication status", [&](db::Transaction& tx) {
        out.recovery = db::replication::recovery(tx);
        out.standby = out.recovery.in_recovery;
        if (!out.standby) {
            out.standbys = db::replication::standbys(tx);
        }
        out.active_master = db::master::get(tx).master_hostname;
    });
    return out;
}

} // namespace dms::engine
