// SPDX-License-Identifier: GPL-3.0-or-later
// Zone text line reader: our own line handling (DMS comment tags, line numbers,
// parentheses, directives) around ldns, which parses each record. $GENERATE is
// expanded by zone_generate.cpp; parse_zone_text, which splits big zones for two
// threads, is in zone_parse_parallel.cpp.
#include "zone_parse.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "dms/core/dns_name.hpp"
#include "dms/core/zone_text.hpp"

#include "ldns_rr.hpp"
#include "zone_generate.hpp"
#include "zone_tokens.hpp"

namespace dms {
namespace {

using zone_detail::blank;
using zone_detail::tokenize;
using zone_detail::trim;
using zone_detail::upper;

bool is_class(std::string_view t) {
    const auto u = upper(t);
    return u == "IN" || u == "CH" || u == "HS" || u == "CS" || u.starts_with("CLASS");
}

/// A token where a TTL or class may stand that starts with a digit is a TTL, valid or
/// not (no class or type starts with one).
bool looks_like_ttl(std::string_view t) {
    return !t.empty() && t.front() >= '0' && t.front() <= '9';
}

bool all_digits(std::string_view t) {
    return !t.empty() &&
           std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Parser {
public:
    Parser(std::string_view text, const ParseOptions& opt) : m_text(text), m_opt(opt) {}

    /// See zone_detail::read_zone_part.
    Parser(std::string_view text, const ParseOptions& opt, int first_line, std::string origin)
        : m_text(text), m_opt(opt), m_line(first_line - 1), m_part_origin(std::move(origin)) {}

    ParseResult run();

private:
    // ---- input -------------------------------------------------------------
    bool next_line(std::string_view& line) {
        if (m_pos >= m_text.size()) {
            return false;
        }
        auto nl = m_text.find('\n', m_pos);
        if (nl == std::string_view::npos) {
            nl = m_text.size();
        }
        line = m_text.substr(m_pos, nl - m_pos);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        m_pos = nl + 1;
        ++m_line;
        return true;
    }

    void error(int line, std::string msg) {
        m_res.findings.push_back({line, Severity::error, std::move(msg)});
    }
    void warning(int line, std::string msg) {
        m_res.findings.push_back({line, Severity::warning, std::move(msg)});
    }

    bool find_zone_name();
    void handle_comment_tag(std::string_view line);
    void end_group();
    void handle_directive(std::string_view line, int line_no);
    /// Read one record from `first` (and following lines while parentheses are open).
    bool collect_record(std::string_view first, std::string& logical);
    void handle_record(std::string_view logical, bool owner_omitted, int line_no);
    void add_soa(const std::vector<std::string_view>& raw, const zone_detail::LdnsRr& parsed,
                 const std::optional<std::string>& ttl, int line_no);
    RrGroup& current_group();
    void apply_flags(Rr& rr, bool is_soa);
    void flush_pending_notes(int line_no);

    std::string_view m_text;
    const ParseOptions& m_opt;
    ParseResult m_res;
    std::size_t m_pos = 0;
    int m_line = 0;

    zone_detail::RrParser m_ldns;
    std::string m_zone;
    std::string m_origin;
    std::string m_prev_owner; // absolute
    bool m_seen_record = false;
    bool m_seen_ttl = false;

    std::vector<std::string> m_group_comment; // ";|" lines being collected
    bool m_collecting_group_comment = false;
    int m_group = -1; // index into groups; -1 = none yet (blank line seen)
    std::map<std::string, int, std::less<>> m_group_by_comment;
    int m_apex_group = -1;
    std::string m_part_origin; ///< set for the second part of a split zone

    std::vector<std::string> m_rr_comment;            // ";#" lines for the next record
    std::vector<std::pair<std::string, int>> m_flags; // ";!" words for the next record
    int m_notes_line = 0;
};

bool Parser::find_zone_name() {
    if (!m_opt.zone_name.empty()) {
        std::string why;
        auto name = normalize_zone_name(m_opt.zone_name, &why);
        if (!name) {
            error(0, fmt::format("bad zone name '{}': {}", m_opt.zone_name, why));
            return false;
        }
        m_zone = *name;
        return true;
    }
    if (!m_opt.name_from_text) {
        error(0, "no zone name given");
        return false;
    }
    // The first $ORIGIN, or an absolute SOA owner, names the zone.
    std::string_view line;
    while (next_line(line)) {
        const auto t = tokenize(line);
        if (t.empty() || t[0].starts_with(';')) {
            continue;
        }
        if (upper(t[0]) == "$ORIGIN" && t.size() >= 2) {
            m_zone = std::string(t[1]);
            break;
        }
        if (t[0].starts_with('$') || blank(line.front())) {
            continue;
        }
        const bool soa = std::any_of(t.begin(), t.end(), [](auto x) { return upper(x) == "SOA"; });
        if (soa && t[0].ends_with('.')) {
            m_zone = std::string(t[0]);
        }
        break;
    }
    m_pos = 0;
    m_line = 0;
    std::string why;
    auto name = normalize_zone_name(m_zone, &why);
    if (m_zone.empty() || !name) {
        error(0, "cannot tell the zone name: give it, or start the file with $ORIGIN or an "
                 "absolute SOA owner");
        return false;
    }
    m_zone = *name;
    return true;
}

RrGroup& Parser::current_group() {
    auto& groups = m_res.zone.groups;
    if (m_group < 0) {
        // After a blank line, records without a ";|" comment join the default group.
        auto it = m_group_by_comment.find("");
        if (it == m_group_by_comment.end()) {
            groups.push_back({});
            it = m_group_by_comment.emplace("", static_cast<int>(groups.size()) - 1).first;
        }
        m_group = it->second;
    }
    return groups[static_cast<std::size_t>(m_group)];
}

void Parser::end_group() {
    if (m_collecting_group_comment) {
        std::string comment;
        for (const auto& l : m_group_comment) {
            if (!comment.empty()) {
                comment += '\n';
            }
            comment += l;
        }
        m_group_comment.clear();
        m_collecting_group_comment = false;
        auto& groups = m_res.zone.groups;
        auto it = m_group_by_comment.find(comment);
        if (it == m_group_by_comment.end()) {
            groups.push_back({comment, "", {}});
            it = m_group_by_comment.emplace(comment, static_cast<int>(groups.size()) - 1).first;
        }
        m_group = it->second;
    }
}

void Parser::flush_pending_notes(int line_no) {
    if (!m_rr_comment.empty() || !m_flags.empty()) {
        warning(m_notes_line != 0 ? m_notes_line : line_no,
                "';#' comment or ';!' flags not followed by a record: ignored");
        m_rr_comment.clear();
        m_flags.clear();
    }
}

/// Where `s` stops being UTF-8 (the database keeps text as UTF-8); npos if it is.
std::size_t invalid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80             ? 1
                              : (c & 0xe0) == 0xc0 ? 2
                              : (c & 0xf0) == 0xe0 ? 3
                              : (c & 0xf8) == 0xf0 ? 4
                                                   : 0;
        if (n == 0 || i + n > s.size() || (n == 2 && c < 0xc2)) {
            return i;
        }
        const auto c1 = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0x80;
        // No overlong forms, surrogates or code points above U+10FFFF.
        if ((n == 3 && ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f))) ||
            (n == 4 && ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f) || c > 0xf4))) {
            return i;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) {
                return i;
            }
        }
        i += n;
    }
    return std::string_view::npos;
}

void Parser::handle_comment_tag(std::string_view line) {
    const auto body = trim(line.substr(2));
    if (const auto bad = invalid_utf8(body); bad != std::string_view::npos) {
        // Kept comments are stored as UTF-8 text: refuse rather than let the database
        // refuse the whole zone without a line number.
        error(m_line, fmt::format("comment is not UTF-8 text (byte 0x{:02x} at column {})",
                                  static_cast<unsigned char>(body[bad]),
                                  body.data() + bad - line.data() + 1));
        return;
    }
    if (line.starts_with(";|")) {
        if (!m_collecting_group_comment) {
            flush_pending_notes(m_line);
            m_collecting_group_comment = true;
        }
        m_group_comment.emplace_back(body);
    } else if (line.starts_with(";#")) {
        end_group();
        if (m_rr_comment.empty() && m_flags.empty()) {
            m_notes_line = m_line;
        }
        m_rr_comment.emplace_back(body);
    } else { // ";!"
        end_group();
        if (m_rr_comment.empty() && m_flags.empty()) {
            m_notes_line = m_line;
        }
        for (auto w : tokenize(body)) {
            m_flags.emplace_back(std::string(w), m_line);
        }
    }
}

void Parser::apply_flags(Rr& rr, bool is_soa) {
    for (const auto& [word, line] : m_flags) {
        const auto u = upper(word);
        if (u == "LOCKPTR") {
            rr.lock_ptr = true;
        } else if (u == "FORCEREV") {
            rr.force_reverse = true;
        } else if (u == "TRACKREV") {
            rr.track_reverse = true;
        } else if (u == "DISABLE") {
            if (is_soa) {
                error(line, "the SOA record cannot be disabled");
            }
            rr.disable = true;
        } else if (u.starts_with("REF:")) {
            const auto ref = word.substr(4);
            const bool ok = valid_reference(ref);
            if (!ok) {
                error(line, fmt::format("bad reference '{}': letters, digits and -_.@, "
                                        "starting with a letter or digit, at most 1024",
                                        ref));
            } else if (is_soa) {
                m_res.zone.reference = ref;
            } else {
                rr.reference = ref;
            }
        } else if (u.starts_with("RROP:")) {
            const auto op = update_op_from_string(u.substr(5));
            if (!m_opt.update_mode) {
                error(line, "RROP: flags are only allowed in incremental update files");
            } else if (!op) {
                error(line, fmt::format("unknown RROP '{}': ADD, DELETE or UPDATE_RRTYPE",
                                        word.substr(5)));
            } else {
                rr.update_op = op;
            }
        } else {
            error(line, fmt::format("unknown flag '{}' (LOCKPTR FORCEREV TRACKREV DISABLE "
                                    "REF:<reference> RROP:<op>)",
                                    word));
        }
    }
    m_flags.clear();
}

void Parser::handle_directive(std::string_view line, int line_no) {
    const auto t = tokenize(line);
    const auto d = upper(t[0]);
    if (d == "$ORIGIN") {
        if (t.size() != 2 || t[1].starts_with(';') || !t[1].ends_with('.')) {
            error(line_no, "$ORIGIN needs one absolute name (ending in '.')");
            return;
        }
        std::string why;
        auto name = normalize_zone_name(t[1], &why);
        if (!name) {
            error(line_no, fmt::format("$ORIGIN {}: {}", t[1], why));
            return;
        }
        if (auto e = m_ldns.set_origin(*name); !e.empty()) {
            error(line_no, fmt::format("$ORIGIN {}: {}", t[1], e));
            return;
        }
        m_origin = *name;
    } else if (d == "$TTL") {
        if (t.size() < 2 || (t.size() > 2 && !t[2].starts_with(';'))) {
            error(line_no, "$TTL needs one TTL value");
        } else if (m_seen_ttl || m_seen_record) {
            error(line_no, "$TTL may appear only once, before any record");
        } else if (const auto problem = ttl_problem(t[1]); !problem.empty()) {
            error(line_no, fmt::format("$TTL {}", problem));
        } else {
            m_res.zone.zone_ttl = std::string(t[1]);
        }
        m_seen_ttl = true;
    } else if (d == "$INCLUDE") {
        error(line_no, "$INCLUDE is not supported: put the records in the file");
    } else if (d == "$GENERATE") {
        const auto args = line.substr(line.find_first_of(" \t") == std::string_view::npos
                                          ? line.size()
                                          : line.find_first_of(" \t"));
        const auto problem =
            zone_detail::expand_generate(args, m_opt.max_generate, [&](std::string_view record) {
                handle_record(record, false, line_no);
            });
        if (!problem.empty()) {
            error(line_no, problem);
        }
    } else if (d == "$UPDATE_TYPE") {
        if (!m_opt.update_mode) {
            error(line_no, "$UPDATE_TYPE is only allowed in incremental update files");
        }
    } else {
        error(line_no, fmt::format("unknown directive {}", t[0]));
    }
}

bool Parser::collect_record(std::string_view first, std::string& logical) {
    const int start_line = m_line;
    int depth = 0;
    std::string_view line = first;
    while (true) {
        bool quoted = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (c == '\\' && i + 1 < line.size()) {
                logical += c;
                logical += line[++i];
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == ';') {
                break;
            } else if (!quoted && c == '(') {
                ++depth;
                logical += ' ';
                continue;
            } else if (!quoted && c == ')') {
                if (--depth < 0) {
                    error(m_line, "')' without '('");
                    return false;
                }
                logical += ' ';
                continue;
            }
            logical += c;
        }
        if (quoted) {
            error(m_line, "unterminated quoted string");
            return false;
        }
        if (depth == 0) {
            return true;
        }
        logical += ' ';
        if (!next_line(line)) {
            error(start_line, "'(' not closed before the end of the file");
            return false;
        }
    }
}

void Parser::handle_record(std::string_view logical, bool owner_omitted, int line_no) {
    const auto t = tokenize(logical);
    std::size_t i = 0;
    std::string owner;
    if (owner_omitted) {
        if (m_prev_owner.empty()) {
            error(line_no, "record without an owner name and no previous record to take it from");
            m_flags.clear();
            m_rr_comment.clear();
            return;
        }
        owner = m_prev_owner;
    } else {
        if (t.empty()) {
            return;
        }
        owner = std::string(t[i++]);
    }
    std::optional<std::string> ttl;
    std::string klass = "IN";
    for (int n = 0; n < 2 && i < t.size(); ++n) {
        if (!ttl && looks_like_ttl(t[i])) {
            ttl = std::string(t[i++]);
        } else if (is_class(t[i])) {
            klass = upper(t[i++]);
        } else {
            break;
        }
    }
    if (i >= t.size()) {
        error(line_no, "record has no type");
        m_flags.clear();
        m_rr_comment.clear();
        return;
    }
    const auto type = upper(t[i]);
    const auto rdata_raw =
        logical.substr(static_cast<std::size_t>(t[i].data() + t[i].size() - logical.data()));
    m_seen_record = true;

    Rr rr;
    rr.line = line_no;
    const bool is_soa = type == "SOA";
    // Flags and comment belong to this record whatever happens to it.
    for (const auto& c : m_rr_comment) {
        if (!rr.comment.empty()) {
            rr.comment += '\n';
        }
        rr.comment += c;
    }
    m_rr_comment.clear();
    apply_flags(rr, is_soa);

    if (klass != "IN") {
        error(line_no, fmt::format("class {} not supported: only IN", klass));
        return;
    }
    if (ttl) {
        if (const auto problem = ttl_problem(*ttl); !problem.empty()) {
            error(line_no, fmt::format("TTL {}", problem));
            return;
        }
    }
    if (is_soa) {
        if (const auto n = tokenize(rdata_raw).size(); n != 7) {
            error(line_no, fmt::format("SOA record needs 7 values, found {}", n));
            return;
        }
    }
    const std::string text =
        fmt::format("{} {} IN {} {}", owner, ttl ? *parse_ttl(*ttl) : 0, type, trim(rdata_raw));
    zone_detail::LdnsRr parsed;
    if (auto e = m_ldns.parse(text, parsed); !e.empty()) {
        error(line_no, fmt::format("{} record: {}", type, e));
        return;
    }
    m_prev_owner = parsed.owner;
    auto label = relative_label(parsed.owner, m_zone);
    if (!label) {
        error(line_no, fmt::format("owner {} is not inside the zone {}", parsed.owner, m_zone));
        return;
    }
    if (is_soa) {
        add_soa(tokenize(rdata_raw), parsed, ttl, line_no);
        if (*label != "@") {
            error(line_no, fmt::format("SOA record not at the zone apex (owner {})", parsed.owner));
        }
        return;
    }
    rr.label = std::move(*label);
    rr.type = parsed.type;
    rr.ttl = std::move(ttl);
    rr.rdata = std::move(parsed.rdata);
    current_group().rrs.push_back(std::move(rr));
}

void Parser::add_soa(const std::vector<std::string_view>& raw, const zone_detail::LdnsRr& parsed,
                     const std::optional<std::string>& ttl, int line_no) {
    auto& z = m_res.zone;
    if (z.has_soa) {
        error(line_no, "a second SOA record (the zone already has one)");
        return;
    }
    const auto canon = tokenize(parsed.rdata);
    std::uint64_t serial = 0;
    const auto r = std::from_chars(raw[2].data(), raw[2].data() + raw[2].size(), serial);
    if (!all_digits(raw[2]) || r.ec != std::errc{} || serial > 0xFFFFFFFFULL) {
        error(line_no, fmt::format("SOA serial '{}' must be an integer 0-4294967295", raw[2]));
        return;
    }
    // Checked here, with the line, before anything is stored (the validator checks
    // the same of stored ZIs).
    static constexpr std::array<const char*, 4> timers{"refresh", "retry", "expire", "minimum"};
    for (std::size_t i = 0; i < timers.size(); ++i) {
        if (const auto problem = ttl_problem(raw[3 + i]); !problem.empty()) {
            error(line_no, fmt::format("SOA {} {}", timers[i], problem));
            return;
        }
    }
    z.has_soa = true;
    z.soa.mname = std::string(canon.at(0));
    z.soa.rname = std::string(canon.at(1));
    z.soa.serial = static_cast<std::uint32_t>(serial);
    z.soa.refresh = std::string(raw[3]);
    z.soa.retry = std::string(raw[4]);
    z.soa.expire = std::string(raw[5]);
    z.soa.minimum = std::string(raw[6]);
    z.soa.ttl = ttl;

    // The SOA's group is the apex group.
    auto& groups = z.groups;
    if (m_group < 0 || groups[static_cast<std::size_t>(m_group)].comment.empty()) {
        groups.push_back({apex_comment_for(m_zone), std::string(apex_rr_tag), {}});
        m_group = static_cast<int>(groups.size()) - 1;
    } else {
        groups[static_cast<std::size_t>(m_group)].tag = std::string(apex_rr_tag);
    }
    m_apex_group = m_group;
}

ParseResult Parser::run() {
    if (!find_zone_name()) {
        return std::move(m_res);
    }
    m_res.zone.name = m_zone;
    m_origin = m_part_origin.empty() ? m_zone : m_part_origin;
    if (auto e = m_ldns.set_origin(m_origin); !e.empty()) {
        error(0, fmt::format("zone name {}: {}", m_zone, e));
        return std::move(m_res);
    }
    std::string_view line;
    std::string logical;
    while (next_line(line)) {
        if (trim(line).empty()) {
            end_group();
            flush_pending_notes(m_line);
            m_group = -1;
            continue;
        }
        if (line.starts_with(";|") || line.starts_with(";#") || line.starts_with(";!")) {
            handle_comment_tag(line);
            continue;
        }
        const auto content = trim(line);
        if (content.starts_with(';')) {
            continue; // a plain comment
        }
        end_group();
        if (line.front() == '$') {
            flush_pending_notes(m_line);
            handle_directive(content, m_line);
            continue;
        }
        const int line_no = m_line;
        logical.clear();
        if (!collect_record(line, logical)) {
            m_flags.clear();
            m_rr_comment.clear();
            continue;
        }
        if (trim(logical).empty()) {
            continue;
        }
        handle_record(logical, blank(line.front()), line_no);
    }
    end_group();
    flush_pending_notes(m_line);
    if (!m_res.zone.has_soa && m_part_origin.empty()) {
        error(0, "the zone has no SOA record");
    }
    // Drop groups left empty (a comment with no records under it).
    auto& g = m_res.zone.groups;
    g.erase(std::remove_if(g.begin(), g.end(),
                           [](const RrGroup& x) { return x.rrs.empty() && x.tag.empty(); }),
            g.end());
    std::stable_sort(m_res.findings.begin(), m_res.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
    return std::move(m_res);
}

} // namespace

namespace zone_detail {

ParseResult read_zone(std::string_view text, const ParseOptions& options) {
    Parser p(text, options);
    return p.run();
}

ParseResult read_zone_part(std::string_view text, const ParseOptions& options, int first_line,
                           std::string origin) {
    Parser p(text, options, first_line, std::move(origin));
    return p.run();
}

} // namespace zone_detail
} // namespace dms
