// SPDX-License-Identifier: GPL-3.0-or-later
// Zones: reading, creating and copying them (see zone_engine.hpp); load_zones is
// load_zones.cpp's, the lifecycle zone_lifecycle.cpp's, edit locks zone_edit_lock.cpp's,
// serial pokes zone_serial.cpp's.
#include "dms/engine/zone_engine.hpp"

#include <future>

#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/serial.hpp"
#include "dms/core/zone_validate.hpp"
#include "dms/db/references.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zis.hpp"
#include "dms/db/zone_cfg.hpp"
#include "dms/engine/zi_engine.hpp"
#include "dms/engine/zone_cfg_engine.hpp"

#include "audit.hpp"
#include "zone_content.hpp"
#include "zone_events.hpp"
#include "zone_lookup.hpp"

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
    return detail::check_zone_text(m_config, text, zone_name, name_from_text, validate);
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
        return given ? *given
                     : parse_config_bool(cfg(key, z.sg_id).value_or("false")).value_or(false);
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
            findings = std::async(std::launch::async,
                                  [&data, vo = validate_options(m_config, z.use_apex_ns)] {
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
    auto view = ZiEngine(m_session, m_config, m_caller).show_zone(src, zi_spec);
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

} // namespace dms::engine
