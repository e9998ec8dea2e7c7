// SPDX-License-Identifier: GPL-3.0-or-later
// parse_zone_text: big zones are cut in two at a blank line and the halves read on two
// threads by the line reader of zone_parse.cpp, then joined; anything unusual falls
// back to one sequential read.
#include <algorithm>
#include <iterator>
#include <string>
#include <thread>

#include "dms/core/dns_name.hpp"
#include "dms/core/zone_text.hpp"

#include "zone_parse.hpp"
#include "zone_tokens.hpp"

namespace dms {
namespace {

using zone_detail::blank;
using zone_detail::tokenize;
using zone_detail::upper;

/// Where a big zone can be cut in two for parallel parsing: after a blank line
/// past the middle, with the next line starting a record or a comment at column 0
/// and no directive after the cut. Returns 0 when there is no such place.
/// Also gives the $ORIGIN in force at the cut and the cut's line number.
std::size_t split_point(std::string_view text, std::string& origin, int& line_no) {
    const std::size_t mid = text.size() / 2;
    std::size_t cut = text.find("\n\n", mid);
    while (cut != std::string_view::npos && cut + 2 < text.size() &&
           (blank(text[cut + 2]) || text[cut + 2] == '\n')) {
        cut = text.find("\n\n", cut + 2);
    }
    if (cut == std::string_view::npos || cut + 2 >= text.size()) {
        return 0;
    }
    cut += 2; // the first character of the second part
    // Directives after the cut would need the first part's state: keep it simple.
    if (text.find("\n$", cut - 1) != std::string_view::npos) {
        return 0;
    }
    for (std::size_t pos = 0; pos < cut;) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos || nl > cut) {
            nl = cut;
        }
        const auto line = text.substr(pos, nl - pos);
        if (line.size() > 8 && (line[0] == '$') && upper(line.substr(0, 7)) == "$ORIGIN") {
            const auto t = tokenize(line);
            if (t.size() >= 2) {
                origin = std::string(t[1]);
            }
        }
        pos = nl + 1;
    }
    line_no =
        static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(cut), '\n')) + 1;
    return cut;
}

/// Join the second part's groups to the first part's (same comment and tag).
void merge(ParseResult& into, ParseResult&& part) {
    auto& groups = into.zone.groups;
    for (auto& g : part.zone.groups) {
        auto it = std::find_if(groups.begin(), groups.end(), [&](const RrGroup& x) {
            return x.comment == g.comment && x.tag == g.tag;
        });
        if (it == groups.end()) {
            groups.push_back(std::move(g));
        } else {
            it->rrs.insert(it->rrs.end(), std::make_move_iterator(g.rrs.begin()),
                           std::make_move_iterator(g.rrs.end()));
        }
    }
}

} // namespace

ParseResult parse_zone_text(std::string_view text, const ParseOptions& options) {
    // Big zones are parsed in two halves on two threads. Any problem at all sends
    // the whole text through the sequential parser, so findings and line numbers
    // are always those of a plain parse.
    constexpr std::size_t parallel_threshold = 4U << 20;
    if (options.parallel && text.size() >= parallel_threshold && !options.zone_name.empty() &&
        std::thread::hardware_concurrency() > 1) {
        std::string origin;
        int line_no = 0;
        if (const auto cut = split_point(text, origin, line_no); cut != 0) {
            std::string zone_origin = origin;
            if (zone_origin.empty()) {
                zone_origin = normalize_zone_name(options.zone_name).value_or("");
            } else if (auto n = normalize_zone_name(zone_origin)) {
                zone_origin = *n;
            }
            ParseResult second;
            std::thread t([&] {
                second =
                    zone_detail::read_zone_part(text.substr(cut), options, line_no, zone_origin);
            });
            ParseResult first = zone_detail::read_zone(text.substr(0, cut), options);
            t.join();
            if (first.findings.empty() && second.findings.empty() && !zone_origin.empty()) {
                merge(first, std::move(second));
                return first;
            }
        }
    }
    return zone_detail::read_zone(text, options);
}

} // namespace dms
