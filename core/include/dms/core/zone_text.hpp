// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Zone text: RFC 1035 master files with the DMS comment tags (REFERENCE.md 7.2),
// parsed into ZoneData and printed back.
//
//   ;| text        starts a new RR group with this comment (consecutive lines join)
//   ;# text        comment of the next record
//   ;! FLAGS       flags of the next record: LOCKPTR FORCEREV TRACKREV DISABLE
//                  REF:<reference> (on the SOA: the zone's reference) RROP:<op>
//   blank line     ends an RR group
//
// $ORIGIN, $TTL (once, before any record), multi-line records in parentheses,
// relative names, RFC 3597 TYPEnnn / \# rdata and $GENERATE are understood;
// $INCLUDE is refused. Every RR type ldns knows is accepted.

#include <string>
#include <string_view>
#include <vector>

#include "dms/core/zone.hpp"

namespace dms {

enum class Severity { error, warning };

/// One problem found in zone text or zone data, with the line it is on.
struct Finding {
    int line = 0; ///< 1-based; 0 when it concerns the whole zone
    Severity severity = Severity::error;
    std::string message;
};

/// "FILE:LINE: error: MESSAGE" lines, one per finding, sorted by line.
std::string format_findings(std::string_view file, const std::vector<Finding>& findings);
bool has_errors(const std::vector<Finding>& findings);

struct ParseOptions {
    /// The zone's name; may be empty when `name_from_text` is set.
    std::string zone_name;
    /// Take the zone name from the first $ORIGIN or the SOA owner (load_zones -o).
    bool name_from_text = false;
    /// Accept RROP: flags (incremental update files).
    bool update_mode = false;
    /// Refuse a $GENERATE expanding to more records than this.
    std::size_t max_generate = 65536;
    /// Parse texts of 4 MB and more in two halves on two threads (same result).
    bool parallel = true;
};

struct ParseResult {
    ZoneData zone;
    std::vector<Finding> findings; ///< parse problems; validation adds its own
    bool ok() const { return !has_errors(findings); }
};

/// Parse zone text. Never throws on bad input: problems are findings.
ParseResult parse_zone_text(std::string_view text, const ParseOptions& options);

/// The header lines printed above the records (all optional).
struct PrintHeader {
    std::string change_by;
    std::string zi_id;
    std::string ctime;
    std::string mtime;
    std::string ptime;
};

struct PrintOptions {
    /// For named's zone file: disabled records become ';' comment lines and no DMS
    /// flag lines are written. Otherwise (show_zone, the editor) everything is
    /// written so that parsing the text gives the same zone back.
    bool for_named = false;
    bool header = true;
};

/// Print zone text (REFERENCE.md 7.2): $TTL, $ORIGIN, header, the apex group with
/// the SOA first, the other groups sorted by comment, the default group last;
/// records in a group sorted by label, type and rdata.
std::string print_zone_text(const ZoneData& zone, const PrintHeader& header = {},
                            const PrintOptions& options = {});

} // namespace dms
