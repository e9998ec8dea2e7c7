// SPDX-License-Identifier: GPL-3.0-or-later
// Publishing: see publish.hpp. Better than the original (REFERENCE.md 12 item 7, 13): the
// ZI, the SM row and any apex change commit together after named said NOERROR; nothing
// is written when it did not.
#include "publish.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/serial.hpp"
#include "dms/db/audit.hpp"
#include "dms/db/zis.hpp"
#include "dms/engine/zone_files.hpp"

namespace dms::dmsd {
namespace {

using PublishResult = sm::ZoneSmContext::PublishResult;
using Kind = drivers::UpdateResult::Kind;

std::uint32_t ttl_of(const std::optional<std::string>& ttl, const std::string& zone_ttl) {
    return parse_ttl(ttl.value_or(zone_ttl)).value_or(0);
}

/// The SOA fields from the canonical rdata "mname rname serial refresh retry expire min".
struct SoaFields {
    std::string mname, rname;
    std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
    bool ok = false;
};

SoaFields parse_soa(const std::string& rdata) {
    SoaFields f;
    std::istringstream in(rdata);
    in >> f.mname >> f.rname >> f.serial >> f.refresh >> f.retry >> f.expire >> f.minimum;
    f.ok = !in.fail();
    return f;
}

dns::Record soa_record(const ZoneData& z, std::uint32_t serial) {
    const auto secs = [](const std::string& t) { return parse_ttl(t).value_or(0); };
    return {z.name, ttl_of(z.soa.ttl, z.zone_ttl), "SOA",
            fmt::format("{} {} {} {} {} {} {}", z.soa.mname, z.soa.rname, serial,
                        secs(z.soa.refresh), secs(z.soa.retry), secs(z.soa.expire),
                        secs(z.soa.minimum))};
}

std::string key(const dns::Record& r) {
    return fmt::format("{}\t{}\t{}\t{}", r.owner, r.type, r.rdata, r.ttl);
}

struct Diff {
    std::vector<dns::Record> add_first, remove, add;
    bool soa_changed = false;
    bool empty() const {
        return add_first.empty() && remove.empty() && add.empty() && !soa_changed;
    }
};

Diff diff(const ZoneData& zone, const std::vector<dns::Record>& served) {
    std::vector<dns::Record> want;
    for (const auto& g : zone.groups) {
        for (const auto& rr : g.rrs) {
            if (!rr.disable) {
                want.push_back({absolute_name(rr.label, zone.name), ttl_of(rr.ttl, zone.zone_ttl),
                                rr.type, rr.rdata});
            }
        }
    }
    std::set<std::string> want_keys, have_keys;
    for (const auto& r : want) {
        want_keys.insert(key(r));
    }
    Diff d;
    for (const auto& r : served) {
        if (r.type == "SOA") {
            const auto have = parse_soa(r.rdata);
            const auto mine = parse_soa(soa_record(zone, have.serial).rdata);
            d.soa_changed = !have.ok || have.mname != mine.mname || have.rname != mine.rname ||
                            have.refresh != mine.refresh || have.retry != mine.retry ||
                            have.expire != mine.expire || have.minimum != mine.minimum ||
                            r.ttl != ttl_of(zone.soa.ttl, zone.zone_ttl);
            continue;
        }
        const auto k = key(r);
        have_keys.insert(k);
        if (!want_keys.contains(k)) {
            d.remove.push_back(r);
        }
    }
    for (const auto& r : want) {
        if (!have_keys.contains(key(r))) {
            // New apex NS go in before the old ones are deleted: named keeps the last NS
            // of the apex whatever the update says.
            (r.type == "NS" && r.owner == zone.name ? d.add_first : d.add).push_back(r);
            have_keys.insert(key(r)); // duplicates in the ZI are one record to named
        }
    }
    return d;
}

PublishOutcome out(PublishResult r, std::string detail) {
    return {r, std::move(detail)};
}

/// The record octets one UPDATE may carry besides its zone, two SOA records and its TSIG
/// (each well under 1 KiB).
constexpr std::size_t update_budget = dns::max_message_size - 4096;

/// The difference cut into parts that each fit one UPDATE message, in order: new apex
/// NS, deletions, additions. One part unless the change is larger than a message.
std::vector<Diff> split(Diff d) {
    std::vector<Diff> parts(1);
    std::size_t used = 0;
    const auto put = [&](std::vector<dns::Record> Diff::*section, dns::Record& r) {
        const auto size = dns::record_wire_size(r);
        if (used > 0 && used + size > update_budget) {
            parts.emplace_back();
            used = 0;
        }
        (parts.back().*section).push_back(std::move(r));
        used += size;
    };
    for (auto& r : d.add_first) {
        put(&Diff::add_first, r);
    }
    for (auto& r : d.remove) {
        put(&Diff::remove, r);
    }
    for (auto& r : d.add) {
        put(&Diff::add, r);
    }
    return parts;
}

/// The serial of each of `parts` updates: each ahead of the one before, the last `last`
/// when it is ahead of them (RFC 1982), else the next after them.
std::vector<std::uint32_t> part_serials(std::uint32_t current, std::uint32_t last,
                                        std::size_t parts) {
    const auto next = [](std::uint32_t s) {
        const auto n = serial::add(s, 1);
        return n == 0 ? 1U : n;
    };
    std::vector<std::uint32_t> out;
    auto prev = current;
    for (std::size_t i = 1; i < parts; ++i) {
        prev = next(prev);
        out.push_back(prev);
    }
    out.push_back(parts == 1 || serial::gt(last, prev) ? last : next(prev));
    return out;
}

} // namespace

PublishOutcome publish_zone(db::Transaction& tx, drivers::NamedDriver& named, sm::ZoneRow& row,
                            const sm::ZoneEventParams& params) {
    const auto zi_id = row.zi_candidate_id;
    if (!zi_id) {
        return out(PublishResult::fatal, "the zone has no ZI to publish");
    }
    auto pz = engine::publishable_zone(tx, row.name, *zi_id, row.use_apex_ns, row.sg_id);
    if (!pz) {
        return out(PublishResult::fatal, fmt::format("ZI {} does not exist", *zi_id));
    }
    auto served = named.transfer(row.name);
    if (served.kind == drivers::Transfer::Kind::not_served) {
        return out(PublishResult::reset, served.detail);
    }
    if (served.kind == drivers::Transfer::Kind::not_loaded) {
        // Still loading (just configured), or it never will: named's checker tells.
        if (auto why = named.zone_load_problem(row.name)) {
            return out(PublishResult::fatal, "named cannot load the zone file: " + *why);
        }
        return out(PublishResult::retry, served.detail);
    }
    if (served.kind != drivers::Transfer::Kind::ok || served.records.empty() ||
        served.records.front().type != "SOA") {
        return out(PublishResult::retry,
                   served.detail.empty() ? "AXFR without SOA" : served.detail);
    }
    const auto current_soa = served.records.front();
    const auto current = parse_soa(current_soa.rdata).serial;
    if (row.soa_serial && row.zi_id && current != *row.soa_serial) {
        // Someone changed the zone on named (nsupdate, a restored file): dms's content
        // wins, as in the original, but never silently.
        log::warning("zone " + row.name, "publish",
                     "named serves serial {}, dms last published {}: the zone was changed "
                     "outside dms; publishing the database's content over it",
                     current, *row.soa_serial);
        db::audit::record(tx, {"dmsd", "zone_changed_outside_dms", row.name, row.id, std::nullopt,
                               fmt::format(R"({{"named_serial": {}, "published_serial": {}}})",
                                           current, *row.soa_serial)});
    }
    auto d = diff(pz->data, served.records);
    const bool forced =
        params.wrap_soa_serial || params.force_soa_serial_update || params.candidate_soa_serial;
    std::uint32_t serial = current;
    const bool changed = !d.empty();
    const auto changed_records = d.add_first.size() + d.remove.size() + d.add.size();
    if (changed || forced) {
        serial::SerialRequest req;
        req.current = current;
        req.published = row.soa_serial;
        if (params.wrap_soa_serial) {
            req.mode = serial::SerialRequest::Mode::wrap;
        } else if (params.candidate_soa_serial) {
            req.mode = serial::SerialRequest::Mode::candidate;
            req.candidate = *params.candidate_soa_serial;
        } else {
            req.today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
        }
        try {
            serial = serial::next_serial(req);
        } catch (const Error& e) {
            return out(PublishResult::fatal, e.what());
        }
        // Normally one UPDATE. A change larger than a DNS message goes in several, each
        // guarded by the SOA the one before left and moving the serial on: named serves
        // the parts one after the other, and a publication cut short between two is
        // finished by the next attempt (it compares with what named serves again).
        auto parts = split(std::move(d));
        const auto serials = part_serials(current, serial, parts.size());
        auto guard = current_soa;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            dns::Update u;
            u.zone = row.name;
            u.require.push_back(guard);
            u.add_first = std::move(parts[i].add_first);
            u.remove = std::move(parts[i].remove);
            u.add = std::move(parts[i].add);
            guard = soa_record(pz->data, serials[i]);
            u.add.push_back(guard);
            const auto r = named.update(u);
            const auto detail = parts.size() == 1 ? r.detail
                                                  : fmt::format("update {} of {}: {}", i + 1,
                                                                parts.size(), r.detail);
            switch (r.kind) {
            case Kind::ok:
                continue;
            case Kind::retry:
                return out(PublishResult::retry, detail);
            case Kind::reset:
                return out(PublishResult::reset, detail);
            case Kind::fatal:
                return out(PublishResult::fatal, detail);
            }
        }
        serial = serials.back();
        if (parts.size() > 1) {
            log::notice("zone " + row.name, "publish",
                        "a change of {} records sent in {} updates (larger than one DNS message)",
                        changed_records, parts.size());
        }
    }
    std::int64_t published = *zi_id;
    pz->data.soa.serial = serial;
    if (pz->apex_changed) {
        db::zis::InsertOptions io;
        io.change_by = "dmsd (apex from zone_cfg)";
        published = db::zis::insert(tx, row.id, pz->data, io);
    }
    db::zis::mark_published(tx, published, serial);
    row.zi_id = published;
    row.soa_serial = serial;
    if (!changed && !forced) {
        return out(PublishResult::nochange,
                   fmt::format("named already serves ZI {} at serial {}", published, serial));
    }
    return out(PublishResult::ok, fmt::format("published ZI {} at serial {}", published, serial));
}

} // namespace dms::dmsd
