// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/zone_engine.hpp"

#include <future>
#include <set>
#include <unistd.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/serial.hpp"
#include "dms/core/zone_validate.hpp"
#include "dms/db/audit.hpp"
#include "dms/db/references.hpp"
#include "dms/db/sectags.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zone_cfg.hpp"

#include "zone_events.hpp"
#include "zone_util.hpp"

namespace dms::engine {

using namespace detail;

namespace {

/// Replace names in `rdata` that lie in zone `from` by the same names in zone `to`;
/// quoted strings are left alone.
std::string rename_in_zone(const std::string& rdata, const std::string& from,
                           const std::string& to) {
    std::string out;
    out.reserve(rdata.size());
    std::size_t i = 0;
    bool quoted = false;
    while (i < rdata.size()) {
        if (rdata[i] == ' ' && !quoted) {
            out += ' ';
            ++i;
            continue;
        }
        std::size_t j = i;
        const bool starts_quoted = quoted || rdata[i] == '"';
        while (j < rdata.size() && (quoted || rdata[j] != ' ')) {
            if (rdata[j] == '\\' && j + 1 < rdata.size()) {
                j += 2;
                continue;
            }
            if (rdata[j] == '"') {
                quoted = !quoted;
            }
            ++j;
        }
        const std::string_view token(rdata.data() + i, j - i);
        if (!starts_quoted &&
            (token == from || (token.size() > from.size() && token.ends_with(from) &&
                               token[token.size() - from.size() - 1] == '.'))) {
            out.append(token.substr(0, token.size() - from.size()));
            out += to;
        } else {
            out.append(token);
        }
        i = j;
    }
    return out;
}

std::string zi_label(db::Transaction& tx, std::optional<std::int64_t> zi) {
    if (!zi) {
        return "none";
    }
    const auto h = db::zis::find(tx, *zi);
    if (!h) {
        return fmt::format("ZI {}", *zi);
    }
    return fmt::format("ZI {} (saved by {} at {:%Y-%m-%d %H:%M:%S} UTC)", *zi, h->change_by,
                       fmt::gmtime(std::chrono::system_clock::to_time_t(h->ctime)));
}

/// ZoneChangedError for a save whose copy was taken from candidate `base`.
[[noreturn]] void throw_zone_changed(db::Transaction& tx, const db::ZoneRecord& zone,
                                     std::int64_t base) {
    throw ZoneChangedError(fmt::format("zone '{}' changed since this copy was taken from ZI {}: "
                                       "its newest ZI is now {}; nothing saved",
                                       zone.name, base, zi_label(tx, zone.zi_candidate_id)),
                           base, zone.zi_candidate_id);
}

ZoneView make_view(db::Transaction& tx, db::ZoneRecord zone, std::int64_t zi_id) {
    ZoneView v;
    auto data = db::zis::load(tx, zi_id, &v.zi);
    if (!data) {
        throw Error(ErrorCode::zi_not_found, fmt::format("ZI {} not found", zi_id));
    }
    v.data = std::move(*data);
    v.data.name = zone.name;
    v.data.reference = zone.reference;
    v.sectags = db::sectags::of_zone(tx, zone.id);
    v.zone = std::move(zone);
    return v;
}

} // namespace

std::string parse_zone_option(std::string_view word, ZoneFlags& flags) {
    std::optional<bool> value = true;
    std::string_view name = word;
    if (name.starts_with("no_")) {
        value = false;
        name.remove_prefix(3);
    } else if (name.starts_with("def_")) {
        value = std::nullopt;
        name.remove_prefix(4);
    }
    std::optional<bool>* target = name == "use_apex_ns"   ? &flags.use_apex_ns
                                  : name == "edit_lock"   ? &flags.edit_lock
                                  : name == "auto_dnssec" ? &flags.auto_dnssec
                                  : name == "nsec3"       ? &flags.nsec3
                                  : name == "inc_updates" ? &flags.inc_updates
                                                          : nullptr;
    if (target == nullptr) {
        return fmt::format("unknown zone option '{}' (use_apex_ns edit_lock auto_dnssec nsec3 "
                           "inc_updates, optionally prefixed no_ or def_)",
                           word);
    }
    *target = value;
    return {};
}

ZoneEngine::ZoneEngine(db::Session& session, const Config& config, Caller caller)
    : m_session(session), m_config(config), m_caller(std::move(caller)) {}

std::vector<db::ZoneRecord> ZoneEngine::list_zones(const db::ZoneFilter& filter) {
    return m_session.transaction("list_zones",
                                 [&](db::Transaction& tx) { return db::zones::list(tx, filter); });
}

db::ZoneRecord ZoneEngine::find_zone(std::string_view name) {
    return m_session.transaction("find_zone",
                                 [&](db::Transaction& tx) { return require_zone(tx, name); });
}

db::ZoneRecord ZoneEngine::find_zone_by_id(std::int64_t id) {
    return m_session.transaction("find_zone",
                                 [&](db::Transaction& tx) { return require_zone_by_id(tx, id); });
}

std::vector<db::ZiRecord> ZoneEngine::list_zis(std::string_view name) {
    return m_session.transaction("list_zis", [&](db::Transaction& tx) {
        return db::zis::list(tx, require_zone(tx, name).id);
    });
}

ZoneView ZoneEngine::show_zone(std::string_view name, std::string_view zi_spec) {
    return m_session.transaction("show_zone", [&](db::Transaction& tx) {
        auto zone = require_zone(tx, name);
        const auto zi = resolve_zi(tx, zone, zi_spec);
        return make_view(tx, std::move(zone), zi);
    });
}

ZoneView ZoneEngine::show_zone_by_id(std::int64_t zone_id, std::string_view zi_spec) {
    return m_session.transaction("show_zone", [&](db::Transaction& tx) {
        auto zone = require_zone_by_id(tx, zone_id);
        const auto zi = resolve_zi(tx, zone, zi_spec);
        return make_view(tx, std::move(zone), zi);
    });
}

ZoneView ZoneEngine::edit_view(std::string_view name, std::string_view zi_spec) {
    return m_session.transaction("edit_view", [&](db::Transaction& tx) {
        auto zone = require_zone(tx, name);
        const auto zi = zi_spec.empty() && zone.zi_candidate_id ? *zone.zi_candidate_id
                                                                : resolve_zi(tx, zone, zi_spec);
        return make_view(tx, std::move(zone), zi);
    });
}

ZoneView ZoneEngine::show_zi_by_id(std::int64_t zi_id) {
    return m_session.transaction("show_zi", [&](db::Transaction& tx) {
        const auto h = db::zis::find(tx, zi_id);
        if (!h) {
            throw Error(ErrorCode::zi_not_found, fmt::format("ZI {} not found", zi_id));
        }
        return make_view(tx, require_zone_by_id(tx, h->zone_id), zi_id);
    });
}

db::ZoneRecord ZoneEngine::zone_for_name(std::string_view name) {
    const auto n = zone_name_or_throw(name);
    return m_session.transaction("zone_for_name", [&](db::Transaction& tx) {
        for (std::string_view suffix = n; !suffix.empty();) {
            if (auto z = db::zones::find_live(tx, suffix)) {
                return *z;
            }
            const auto dot = suffix.find('.');
            suffix = dot + 1 < suffix.size() ? suffix.substr(dot + 1) : std::string_view();
        }
        throw Error(ErrorCode::zone_not_found, fmt::format("no zone holds '{}'", n));
    });
}

ZoneTextCheck ZoneEngine::check_zone_text(std::string_view text, std::string_view zone_name,
                                          bool name_from_text, bool validate) {
    ParseOptions po;
    po.zone_name = std::string(zone_name);
    po.name_from_text = name_from_text;
    auto parsed = parse_zone_text(text, po);
    ZoneTextCheck out{std::move(parsed.zone), std::move(parsed.findings)};
    if (out.ok() && validate) {
        ValidateOptions vo;
        vo.require_apex_ns = false; // decided per zone (use_apex_ns) when it is saved
        vo.max_rrset_size = std::stoul(m_config.value("max_rrset_size"));
        vo.max_zone_size = std::stoul(m_config.value("max_zone_size"));
        auto v = validate_zone(out.zone, vo);
        out.findings.insert(out.findings.end(), v.begin(), v.end());
    }
    return out;
}

std::optional<std::string> ZoneEngine::cfg_value(db::Transaction& tx, std::string_view key,
                                                 std::optional<std::int64_t> sg, bool cached) {
    if (!cached) {
        return db::zone_cfg::value(tx, key, sg);
    }
    const auto k = fmt::format("{}/{}", key, sg.value_or(0));
    if (auto it = m_defaults.cfg.find(k); it != m_defaults.cfg.end()) {
        return it->second.empty() ? std::nullopt : std::optional(it->second);
    }
    auto v = db::zone_cfg::value(tx, key, sg);
    m_defaults.cfg.emplace(k, v.value_or(""));
    return v;
}

ZoneEngine::NewZone ZoneEngine::new_zone_record(db::Transaction& tx, const std::string& zname,
                                                const CreateOptions& opt, const ZoneData* content) {
    const auto cfg = [&](std::string_view key, std::optional<std::int64_t> sg) {
        return cfg_value(tx, key, sg, opt.batch);
    };
    NewZone out;
    auto& z = out.zone;
    z.name = zname;
    const auto sg_name =
        opt.sg_name.empty() ? cfg("default_sg", std::nullopt).value_or("") : opt.sg_name;
    if (auto it = m_defaults.sg_ids.find(sg_name); opt.batch && it != m_defaults.sg_ids.end()) {
        z.sg_id = it->second;
    } else {
        const auto sg = db::sgs::find(tx, sg_name);
        if (!sg) {
            throw Error(ErrorCode::no_sg_found,
                        fmt::format("server group '{}' not found", sg_name));
        }
        z.sg_id = sg->id;
        if (opt.batch) {
            m_defaults.sg_ids.emplace(sg_name, sg->id);
        }
    }
    std::string reference = opt.reference;
    if (reference.empty() && content) {
        reference = content->reference;
    }
    if (reference.empty()) {
        reference = cfg("default_ref", std::nullopt).value_or("");
    }
    if (!reference.empty()) {
        if (!valid_reference(reference)) {
            throw Error(ErrorCode::reference_format,
                        fmt::format("bad reference '{}': letters, digits and -_.@, starting "
                                    "with a letter or digit, at most 1024",
                                    reference));
        }
        if (auto it = m_defaults.ref_ids.find(reference);
            opt.batch && it != m_defaults.ref_ids.end()) {
            z.ref_id = it->second;
        } else {
            z.ref_id = db::references::ensure(tx, reference);
            out.new_reference.emplace(reference, *z.ref_id);
        }
    }
    auto flag = [&](const std::optional<bool>& given, std::string_view key) {
        return given ? *given : parse_bool(cfg(key, z.sg_id).value_or("false")).value_or(false);
    };
    z.use_apex_ns = flag(opt.flags.use_apex_ns, "use_apex_ns");
    z.edit_lock = flag(opt.flags.edit_lock, "edit_lock");
    z.auto_dnssec = flag(opt.flags.auto_dnssec, "auto_dnssec");
    z.nsec3 = flag(opt.flags.nsec3, "nsec3");
    z.inc_updates = flag(opt.flags.inc_updates, "inc_updates");
    return out;
}

void ZoneEngine::prepare_content(db::Transaction& tx, const db::ZoneRecord& z, ZoneData& data,
                                 std::uint32_t file_serial, bool cached) {
    data.name = z.name;
    if (data.zone_ttl.empty()) {
        data.zone_ttl = cfg_value(tx, "zone_ttl", z.sg_id, cached).value_or("1h");
    }
    normalize_ttls(data);
    // A fresh serial ahead of the file's (REFERENCE.md 7.3).
    serial::SerialRequest req;
    req.current = file_serial;
    req.today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    data.soa.serial = serial::next_serial(req);
}

ValidateOptions ZoneEngine::validate_options(bool use_apex_ns) const {
    ValidateOptions vo;
    vo.require_apex_ns = !use_apex_ns;
    vo.max_rrset_size = std::stoul(m_config.value("max_rrset_size"));
    vo.max_zone_size = std::stoul(m_config.value("max_zone_size"));
    return vo;
}

db::ZoneRecord ZoneEngine::create_zone(std::string_view name, const CreateOptions& opt,
                                       std::optional<ZoneData> content, std::string_view source) {
    const auto zname = new_zone_name_or_throw(name);
    const auto file_serial = content ? content->soa.serial : 0U;
    std::optional<std::pair<std::string, std::int64_t>> new_reference;
    auto created = m_session.transaction("create_zone", [&](db::Transaction& tx) {
        if (db::zones::find_live(tx, zname)) {
            throw Error(ErrorCode::zone_exists, fmt::format("zone '{}' already exists", zname));
        }
        auto nz = new_zone_record(tx, zname, opt, content ? &*content : nullptr);
        new_reference = nz.new_reference;
        auto& z = nz.zone;

        // Everything below is idempotent on `content`: a retried transaction (see
        // Session::transaction) starts again from the same state without a copy.
        ZoneData defaults;
        if (!content) {
            defaults = default_content(tx, zname, z.sg_id);
        }
        ZoneData& data = content ? *content : defaults;
        data.name = zname;
        std::future<std::vector<Finding>> findings;
        if (content) {
            prepare_content(tx, z, data, file_serial, opt.batch);
            // Validate on the core that waits for PostgreSQL during the COPY; both only
            // read `data`. Findings roll the whole transaction back.
            findings =
                std::async(std::launch::async, [&data, vo = validate_options(z.use_apex_ns)] {
                    return validate_zone(data, vo);
                });
        }
        z.id = db::zones::insert(tx, z);
        db::zis::InsertOptions io;
        io.change_by = m_caller.change_by();
        const auto zi = db::zis::insert(tx, z.id, data, io);
        if (findings.valid()) {
            if (const auto f = findings.get(); has_errors(f)) {
                throw_findings(source.empty() ? std::string_view(zname) : source, f);
            }
        }
        sm::ZoneEventParams p;
        p.zi_id = zi;
        run_zone_event(tx, m_config, z,
                       opt.batch ? sm::EventType::zone_do_batch_config
                                 : sm::EventType::zone_do_config,
                       p, m_caller.change_by());
        audit(tx, m_caller, opt.batch ? "load_zones" : "create_zone", zname, z.id,
              fmt::format(R"({{"zi_id": {}, "records": {}}})", zi, data.rr_count()));
        log::info("zone " + zname, "create_zone", "created by {} with ZI {} ({} records)",
                  m_caller.change_by(), zi, data.rr_count());
        // A batch load only reports name and state: skip reading the row back.
        return opt.batch ? z : *db::zones::find_by_id(tx, z.id);
    });
    if (opt.batch && new_reference) {
        m_defaults.ref_ids.insert(*new_reference); // committed now: safe to reuse
    }
    return created;
}

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
                    const auto f = validate_zone(it.data, validate_options(nz.zone.use_apex_ns));
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

db::ZoneRecord ZoneEngine::load_zone(std::string_view text, std::string_view name,
                                     const CreateOptions& options, std::string_view file_name) {
    // Parse here; create_zone validates with the zone's own settings.
    auto check = check_zone_text(text, name, false, false);
    if (!check.ok()) {
        throw_findings(file_name, check.findings);
    }
    const std::string zone_name = check.zone.name; // the zone itself moves below
    return create_zone(zone_name, options, std::move(check.zone), file_name);
}

db::ZoneRecord ZoneEngine::copy_zone(std::string_view src, std::string_view name,
                                     const CreateOptions& options, std::string_view zi_spec) {
    auto view = show_zone(src, zi_spec);
    CreateOptions opt = options;
    if (opt.sg_name.empty()) {
        opt.sg_name = view.zone.sg_name;
    }
    if (opt.reference.empty()) {
        opt.reference = view.zone.reference;
    }
    auto inherit = [](std::optional<bool>& f, bool v) {
        if (!f) {
            f = v;
        }
    };
    inherit(opt.flags.use_apex_ns, view.zone.use_apex_ns);
    inherit(opt.flags.edit_lock, view.zone.edit_lock);
    inherit(opt.flags.auto_dnssec, view.zone.auto_dnssec);
    inherit(opt.flags.nsec3, view.zone.nsec3);
    inherit(opt.flags.inc_updates, view.zone.inc_updates);
    const auto zname = new_zone_name_or_throw(name);
    // Owners are relative labels and follow the new origin; names inside the source
    // zone in rdata and the SOA follow it too, as relative names in the text would.
    const auto src_name = view.data.name;
    view.data.name = zname;
    view.data.soa.mname = rename_in_zone(view.data.soa.mname, src_name, zname);
    view.data.soa.rname = rename_in_zone(view.data.soa.rname, src_name, zname);
    for (auto& g : view.data.groups) {
        if (g.tag == apex_rr_tag) {
            g.comment = apex_comment_for(zname);
        }
        for (auto& rr : g.rrs) {
            rr.rdata = rename_in_zone(rr.rdata, src_name, zname);
        }
    }
    return create_zone(zname, opt, std::move(view.data));
}

std::int64_t ZoneEngine::save_zone_content(std::string_view name, ZoneData content,
                                           std::optional<std::int64_t> edit_lock_token,
                                           std::optional<std::int64_t> expected_base) {
    return m_session.transaction("save_zone", [&](db::Transaction& tx) {
        // The row stays locked until commit: a concurrent save waits here and then sees
        // this one's candidate.
        auto zone = require_zone(tx, name, true);
        if (expected_base && zone.zi_candidate_id != expected_base) {
            throw_zone_changed(tx, zone, *expected_base);
        }
        if (zone.edit_lock_token != edit_lock_token) {
            release_lock_of_gone_holder(tx, zone); // not this save's own lock
        }
        content.name = zone.name;
        ValidateOptions vo;
        vo.require_apex_ns = !zone.use_apex_ns;
        vo.max_rrset_size = std::stoul(m_config.value("max_rrset_size"));
        vo.max_zone_size = std::stoul(m_config.value("max_zone_size"));
        if (const auto f = validate_zone(content, vo); has_errors(f)) {
            throw_findings(zone.name, f);
        }
        if (content.zone_ttl.empty()) {
            content.zone_ttl = db::zone_cfg::value(tx, "zone_ttl", zone.sg_id).value_or("1h");
        }
        db::zis::InsertOptions io;
        io.change_by = m_caller.change_by();
        const auto zi = db::zis::insert(tx, zone.id, content, io);
        sm::ZoneEventParams p;
        p.zi_id = zi;
        p.edit_lock_token = edit_lock_token;
        const auto type = (zone.edit_lock && edit_lock_token)
                              ? sm::EventType::zone_edit_saved
                              : sm::EventType::zone_edit_saved_no_lock;
        const auto outcome = run_zone_event(tx, m_config, zone, type, p, m_caller.change_by());
        if (outcome.no_transition) {
            // A save the machine did not take would be stored and never published.
            throw Error(ErrorCode::zone_sm_failure,
                        fmt::format("zone '{}' not saved: {}", zone.name, outcome.message));
        }
        audit(tx, m_caller, "save_zone", zone.name, zone.id, fmt::format(R"({{"zi_id": {}}})", zi));
        log::info("zone " + zone.name, "save_zone", "ZI {} saved by {}", zi, m_caller.change_by());
        return zi;
    });
}

std::int64_t ZoneEngine::load_zone_zi(std::string_view text, std::string_view name,
                                      std::string_view file_name) {
    const auto zname = zone_name_or_throw(name);
    auto check = check_zone_text(text, zname, false, false); // save_zone_content validates
    if (!check.ok()) {
        throw_findings(file_name, check.findings);
    }
    normalize_ttls(check.zone);
    return save_zone_content(zname, std::move(check.zone));
}

std::int64_t ZoneEngine::copy_zi(std::string_view src, std::string_view dst,
                                 std::string_view zi_spec) {
    return m_session.transaction("copy_zi", [&](db::Transaction& tx) {
        auto from = require_zone(tx, src);
        auto to = require_zone(tx, dst, true);
        const auto src_zi = resolve_zi(tx, from, zi_spec);
        db::ZiRecord h;
        auto data = db::zis::load(tx, src_zi, &h);
        data->name = to.name;
        for (auto& g : data->groups) {
            if (g.tag == apex_rr_tag) {
                g.comment = apex_comment_for(to.name);
            }
        }
        db::zis::InsertOptions io;
        io.change_by = h.change_by;
        io.ctime = h.ctime;
        io.mtime = h.mtime;
        const auto zi = db::zis::insert(tx, to.id, *data, io);
        audit(tx, m_caller, "copy_zi", to.name, to.id,
              fmt::format(R"({{"from_zi": {}, "zi_id": {}}})", src_zi, zi));
        return zi;
    });
}

void ZoneEngine::delete_zi(std::string_view name, std::string_view zi_spec) {
    m_session.transaction("delete_zi", [&](db::Transaction& tx) {
        auto zone = require_zone(tx, name, true);
        const auto zi = resolve_zi(tx, zone, zi_spec);
        if (zone.zi_id == zi || zone.zi_candidate_id == zi) {
            throw Error(
                ErrorCode::zi_in_use,
                fmt::format("ZI {} of zone '{}' is the published or candidate ZI", zi, zone.name));
        }
        db::zis::remove(tx, zone.id, zi);
        audit(tx, m_caller, "delete_zi", zone.name, zone.id, fmt::format(R"({{"zi_id": {}}})", zi));
    });
}

} // namespace dms::engine
