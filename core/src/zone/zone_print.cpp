// SPDX-License-Identifier: GPL-3.0-or-later
#include <algorithm>

#include <fmt/format.h>

#include "dms/core/zone_text.hpp"

namespace dms {
namespace {

void comment_lines(std::string& out, std::string_view leader, std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
        auto nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        const auto line = text.substr(start, nl - start);
        out += leader;
        if (!line.empty()) {
            out += ' ';
            out += line;
        }
        out += '\n';
        start = nl + 1;
    }
}

std::string flags_of(const Rr& rr) {
    std::string f;
    auto add = [&](std::string_view w) {
        if (!f.empty()) {
            f += ' ';
        }
        f += w;
    };
    if (rr.lock_ptr) {
        add("LOCKPTR");
    }
    if (rr.track_reverse) {
        add("TRACKREV");
    }
    if (rr.disable) {
        add("DISABLE");
    }
    if (!rr.reference.empty()) {
        add("REF:" + rr.reference);
    }
    if (rr.update_op) {
        add("RROP:" + std::string(to_string(*rr.update_op)));
    }
    return f;
}

void print_rr(std::string& out, const Rr& rr, const PrintOptions& opt) {
    if (!rr.comment.empty()) {
        comment_lines(out, ";#", rr.comment);
    }
    if (!opt.for_named) {
        if (auto f = flags_of(rr); !f.empty()) {
            out += ";!" + f + '\n';
        }
    }
    if (opt.for_named && rr.disable) {
        out += "; ";
    }
    out += fmt::format("{:<24} {:<7} IN {:<10} {}\n", rr.label, rr.ttl.value_or(""), rr.type,
                       rr.rdata);
}

void print_soa(std::string& out, const ZoneData& z, const PrintOptions& opt) {
    if (!z.reference.empty() && !opt.for_named) {
        out += ";!REF:" + z.reference + '\n';
    }
    const auto pad = std::string(45, ' ');
    out += fmt::format("{:<24} {:<7} IN {:<10} ( {} ;Master NS\n", "@", z.soa.ttl.value_or(""),
                       "SOA", z.soa.mname);
    out += fmt::format("{}{} ;RP email\n", pad, z.soa.rname);
    out += fmt::format("{}{} ;Serial yyyymmddnn\n", pad, z.soa.serial);
    out += fmt::format("{}{} ;Refresh\n", pad, z.soa.refresh);
    out += fmt::format("{}{} ;Retry\n", pad, z.soa.retry);
    out += fmt::format("{}{} ;Expire\n", pad, z.soa.expire);
    out += fmt::format("{}{} ;Minimum/Ncache\n", pad, z.soa.minimum);
    out += fmt::format("{})\n", pad);
}

bool rr_less(const Rr* a, const Rr* b) {
    const bool aa = a->label == "@";
    const bool ba = b->label == "@";
    if (aa != ba) {
        return aa;
    }
    if (a->label != b->label) {
        return a->label < b->label;
    }
    if (a->type != b->type) {
        return a->type < b->type;
    }
    return a->rdata < b->rdata;
}

void print_group(std::string& out, const RrGroup& g, const ZoneData& z, const PrintOptions& opt,
                 bool apex) {
    if (!g.comment.empty()) {
        comment_lines(out, ";|", g.comment);
    }
    if (apex && z.has_soa) {
        print_soa(out, z, opt);
    }
    std::vector<const Rr*> rrs;
    rrs.reserve(g.rrs.size());
    for (const auto& rr : g.rrs) {
        rrs.push_back(&rr);
    }
    std::sort(rrs.begin(), rrs.end(), rr_less);
    for (const auto* rr : rrs) {
        print_rr(out, *rr, opt);
    }
}

} // namespace

std::string print_zone_text(const ZoneData& z, const PrintHeader& header, const PrintOptions& opt) {
    std::string out;
    out.reserve(64 * (z.rr_count() + 20));
    if (!z.zone_ttl.empty()) {
        out += "$TTL " + z.zone_ttl + '\n';
    }
    out += "$ORIGIN " + z.name + '\n';
    if (opt.header) {
        out += ";\n";
        out += fmt::format("; Zone:       {}\n", z.name);
        out += fmt::format("; Reference:  {}\n", z.reference);
        out += fmt::format("; change_by:  {}\n", header.change_by);
        out += fmt::format("; zi_id:      {}\n", header.zi_id);
        out += fmt::format("; zi_ctime:   {}\n", header.ctime);
        out += fmt::format("; zi_mtime:   {}\n", header.mtime);
        out += fmt::format("; zi_ptime:   {}\n", header.ptime);
        out += ";\n";
    }

    const RrGroup* apex = nullptr;
    const RrGroup* deflt = nullptr;
    std::vector<const RrGroup*> others;
    for (const auto& g : z.groups) {
        if (g.tag == apex_rr_tag && apex == nullptr) {
            apex = &g;
        } else if (g.comment.empty()) {
            deflt = &g;
        } else {
            others.push_back(&g);
        }
    }
    std::sort(others.begin(), others.end(),
              [](const RrGroup* a, const RrGroup* b) { return a->comment < b->comment; });

    out += '\n';
    if (apex != nullptr) {
        print_group(out, *apex, z, opt, true);
    } else if (z.has_soa) {
        const RrGroup synthetic{apex_comment_for(z.name), std::string(apex_rr_tag), {}};
        print_group(out, synthetic, z, opt, true);
    }
    for (const auto* g : others) {
        out += '\n';
        print_group(out, *g, z, opt, false);
    }
    if (deflt != nullptr && !deflt->rrs.empty()) {
        out += '\n';
        print_group(out, *deflt, z, opt, false);
    }
    return out;
}

} // namespace dms
