// SPDX-License-Identifier: GPL-3.0-or-later
// show_dnssec (dms/engine/dnssec_engine.hpp).
#include "dms/engine/dnssec_engine.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/db/zones.hpp"

#include "zone_lookup.hpp"

namespace dms::engine {

using namespace detail;

DnssecStatus show_dnssec(db::Session& session, drivers::NamedDriver& named, std::string_view zone) {
    DnssecStatus out;
    const auto z = session.transaction("show_dnssec",
                                       [&](db::Transaction& tx) { return require_zone(tx, zone); });
    out.zone = z.name;
    out.auto_dnssec = z.auto_dnssec;
    out.nsec3 = z.nsec3;
    const auto served = named.dnssec_records(z.name);
    if (served.kind != drivers::DnssecRecords::Kind::ok) {
        throw Error(ErrorCode::io, fmt::format("zone '{}': the master named's records cannot be "
                                               "read: {}",
                                               z.name, served.detail));
    }
    out.nsec3param = served.nsec3param;
    out.cds = served.cds.size();
    out.cdnskey = served.cdnskey.size();
    out.rrsigs = served.rrsigs;
    out.signed_zone = !served.dnskey.empty();
    const auto states = named.key_states(z.name);
    for (const auto& rdata : served.dnskey) {
        const auto key = dnssec::parse_dnskey(rdata);
        DnssecKey k;
        k.key_tag = dnssec::key_tag(key);
        k.algorithm = key.algorithm;
        k.flags = key.flags;
        const auto st = std::find_if(states.begin(), states.end(), [&](const auto& s) {
            return s.key_tag == k.key_tag && s.algorithm == k.algorithm;
        });
        if (st != states.end()) {
            k.state = *st;
            k.role = st->role;
        } else {
            k.role = key.sep() ? "KSK" : "ZSK";
        }
        if (key.sep() && !key.revoked()) {
            for (const auto type : {dnssec::DigestType::sha256, dnssec::DigestType::sha384}) {
                k.ds.push_back(dnssec::make_ds(z.name, key, type));
            }
            // CDS rdata as named prints it: "TAG ALG TYPE HEX" (hex may be lower case).
            for (const auto& cds : served.cds) {
                const auto upper = [](std::string s) {
                    std::transform(s.begin(), s.end(), s.begin(),
                                   [](unsigned char c) { return std::toupper(c); });
                    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
                    return s;
                };
                for (const auto& ds : k.ds) {
                    k.cds_published = k.cds_published || upper(cds) == upper(ds.rdata());
                }
            }
        }
        out.keys.push_back(std::move(k));
    }
    std::sort(out.keys.begin(), out.keys.end(),
              [](const DnssecKey& a, const DnssecKey& b) { return a.key_tag < b.key_tag; });
    return out;
}

std::vector<DsFile> recreate_ds(db::Session& session, const Config& config,
                                drivers::NamedDriver& named, std::string_view pattern) {
    std::vector<std::string> names;
    if (pattern.find_first_of("*?") == std::string_view::npos) {
        names.push_back(
            session
                .transaction("recreate_ds",
                             [&](db::Transaction& tx) { return require_zone(tx, pattern); })
                .name);
    } else {
        db::ZoneFilter f;
        f.patterns.emplace_back(pattern);
        session.transaction("recreate_ds", [&](db::Transaction& tx) {
            for (const auto& z : db::zones::list(tx, f)) {
                names.push_back(z.name);
            }
        });
    }
    const auto& dir = config.value("dnssec_ds_dir");
    std::vector<DsFile> out;
    out.reserve(names.size());
    for (const auto& name : names) {
        DsFile f;
        f.zone = name;
        const auto st = show_dnssec(session, named, name);
        for (const auto& k : st.keys) {
            for (const auto& d : k.ds) {
                f.lines.push_back(fmt::format("{} IN DS {}", name, d.rdata()));
            }
        }
        if (f.lines.empty()) {
            f.skipped = st.signed_zone ? "no key with the SEP bit" : "not signed";
            out.push_back(std::move(f));
            continue;
        }
        std::string text;
        for (const auto& l : f.lines) {
            text += l + "\n";
        }
        auto file = name;
        if (file.size() > 1 && file.ends_with('.')) {
            file.pop_back();
        }
        make_directories(dir);
        f.path = dir;
        f.path += "/";
        f.path += file;
        write_file_atomically(f.path, text, 0644);
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace dms::engine
