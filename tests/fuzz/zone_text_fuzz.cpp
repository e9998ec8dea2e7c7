// SPDX-License-Identifier: GPL-3.0-or-later
// Zone text: parse_zone_text() and validate_zone() on any bytes. Checked besides
// memory and UB: problems are findings on lines of the text, never exceptions; a
// zone that parses and validates prints (show_zone, the editor) to text that parses
// back to the same zone, and printing that again gives the same text; what is
// printed for named parses too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "dms/core/zone_text.hpp"
#include "dms/core/zone_validate.hpp"

#include "fuzz_check.hpp"

namespace {

using namespace dms;

/// Everything a ZI holds, in an order-independent form (the source lines aside).
auto canonical(const ZoneData& z) {
    std::multiset<std::tuple<std::string, std::string, std::string, std::string, std::string,
                             std::string, std::string, std::string>>
        rrs;
    for (const auto& g : z.groups) {
        for (const auto& rr : g.rrs) {
            rrs.emplace(g.comment + "|" + g.tag, rr.label, rr.type, rr.rdata, rr.ttl.value_or("-"),
                        rr.comment, rr.reference,
                        std::to_string(rr.lock_ptr) + std::to_string(rr.disable) +
                            std::to_string(rr.track_reverse) +
                            (rr.update_op ? std::string(to_string(*rr.update_op)) : "-"));
        }
    }
    return std::make_tuple(
        z.name, z.zone_ttl, z.reference, z.has_soa, z.soa.serial, z.soa.mname, z.soa.rname,
        z.soa.refresh + "/" + z.soa.retry + "/" + z.soa.expire + "/" + z.soa.minimum,
        z.soa.ttl.value_or("-"), rrs);
}

void check_findings(const std::vector<Finding>& findings, std::string_view text) {
    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto& f : findings) {
        FUZZ_CHECK(f.line >= 0 && f.line <= lines,
                   "finding on line " + std::to_string(f.line) + ": " + f.message);
        FUZZ_CHECK(!f.message.empty(), "a finding without a message");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ParseOptions options;
    options.zone_name = "example.org.";
    options.update_mode = text.find("RROP") != std::string_view::npos;
    options.max_generate = 1000; // keeps every input fast; the limit itself is tested
    options.parallel = false;    // only texts of 4 MB and more are split
    const auto parsed = parse_zone_text(text, options);
    check_findings(parsed.findings, text);
    if (!parsed.ok()) {
        return 0;
    }
    const auto findings = validate_zone(parsed.zone);
    check_findings(findings, text);
    if (has_errors(findings)) {
        return 0;
    }
    const auto printed = print_zone_text(parsed.zone);
    const auto again = parse_zone_text(printed, options);
    FUZZ_CHECK(again.ok(), "the printed zone does not parse:\n" +
                               format_findings("printed", again.findings) + printed);
    FUZZ_CHECK(canonical(again.zone) == canonical(parsed.zone),
               "the printed zone parses to another zone:\n" + printed);
    FUZZ_CHECK(print_zone_text(again.zone) == printed, "printing is not stable:\n" + printed);
    // named's file (disabled records as comments, no flags) is zone text too.
    PrintOptions for_named;
    for_named.for_named = true;
    const auto named_text = print_zone_text(parsed.zone, {}, for_named);
    const auto named_parsed = parse_zone_text(named_text, options);
    FUZZ_CHECK(named_parsed.ok(), "the zone printed for named does not parse:\n" +
                                      format_findings("named", named_parsed.findings) + named_text);
    return 0;
}
