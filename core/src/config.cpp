// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "dms/core/config_legacy.hpp"
#include "dms/core/error.hpp"

namespace dms {
namespace {

constexpr std::array<std::string_view, 3> sections{"DEFAULT", "dmsd", "zone_tool"};

bool scope_allows(OptionScope scope, std::string_view section) {
    switch (scope) {
    case OptionScope::common:
        return true;
    case OptionScope::dmsd:
        return section == "DEFAULT" || section == "dmsd";
    case OptionScope::zone_tool:
        return section == "DEFAULT" || section == "zone_tool";
    }
    return false;
}

std::string_view scope_sections(OptionScope scope) {
    return scope == OptionScope::dmsd ? "[DEFAULT] or [dmsd]" : "[DEFAULT] or [zone_tool]";
}

bool applies_to(OptionScope scope, Program program) {
    return scope == OptionScope::common ||
           (scope == OptionScope::dmsd && program == Program::dmsd) ||
           (scope == OptionScope::zone_tool && program == Program::zone_tool);
}

const OptionSpec* find_option(std::string_view name) {
    const auto options = config_options();
    const auto it = std::find_if(options.begin(), options.end(),
                                 [&](const OptionSpec& o) { return o.name == name; });
    return it == options.end() ? nullptr : &*it;
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

[[noreturn]] void fail(std::string_view file, int line, std::string_view problem) {
    if (line > 0) {
        throw ConfigError(fmt::format("{}:{}: {}", file, line, problem));
    }
    throw ConfigError(fmt::format("{}: {}", file, problem));
}

/// `text` with control characters as \xHH, so that a message quoting it is whole
/// (a NUL would end it) and shows what was there.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            out += fmt::format("\\x{:02x}", u);
        } else {
            out += c;
        }
    }
    return out;
}

/// One "key = value" line.
struct Entry {
    std::string section; ///< as written
    std::string key;
    std::string value; ///< trimmed, a '#' comment cut off
    int line = 0;
};

struct ConfigText {
    std::vector<Entry> entries;
    /// Each section's first header line, in file order.
    std::vector<std::pair<std::string, int>> headers;
};

bool known_section(std::string_view name) {
    return std::find(sections.begin(), sections.end(), name) != sections.end() ||
           legacy_section(name).has_value();
}

/// Read every line. Lines are "[section]", "key = value" or comments ('#' or ';' first;
/// '#' also ends a value, as in the files program_options read before).
ConfigText read_text(std::istream& in, std::string_view file) {
    ConfigText out;
    std::string raw;
    std::string section;
    int line = 0;
    std::map<std::string, int, std::less<>> seen; // "section.key" -> line
    while (std::getline(in, raw)) {
        ++line;
        const auto text = trim(raw);
        if (text.empty() || text.front() == '#' || text.front() == ';') {
            continue;
        }
        if (text.front() == '[') {
            if (text.back() != ']') {
                fail(file, line, fmt::format("malformed section header '{}'", printable(text)));
            }
            section = std::string(trim(text.substr(1, text.size() - 2)));
            if (!known_section(section)) {
                fail(file, line,
                     fmt::format("unknown section [{}] (known: [DEFAULT] [dmsd] [zone_tool])",
                                 printable(section)));
            }
            const auto header = std::find_if(out.headers.begin(), out.headers.end(),
                                             [&](const auto& h) { return h.first == section; });
            if (header == out.headers.end()) {
                out.headers.emplace_back(section, line);
            }
            continue;
        }
        const auto eq = text.find('=');
        const auto key =
            eq == std::string_view::npos ? std::string_view{} : trim(text.substr(0, eq));
        if (key.empty()) {
            fail(file, line, fmt::format("expected 'key = value', found '{}'", printable(text)));
        }
        const auto bad = std::find_if(key.begin(), key.end(), [](char c) {
            return !(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
                     c == '.');
        });
        if (bad != key.end()) {
            fail(file, line,
                 fmt::format("option name '{}' holds '{}': only letters, digits, '_' and "
                             "'-' are allowed",
                             printable(key), printable(std::string_view(&*bad, 1))));
        }
        if (section.empty()) {
            fail(file, line, fmt::format("option '{}' before any [section] header", key));
        }
        auto value = text.substr(eq + 1);
        value = trim(value.substr(0, value.find('#')));
        if (!seen.emplace(section + "." + std::string(key), line).second) {
            fail(file, line, fmt::format("option '{}.{}' given twice", section, key));
        }
        out.entries.push_back({section, std::string(key), std::string(value), line});
    }
    if (in.bad()) {
        fail(file, 0, "read error");
    }
    return out;
}

/// Edit distance with transpositions counted once (optimal string alignment).
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

/// "; did you mean 'X'?" for the known name (ours first, then the original's) nearest
/// to `key`, if it is near enough to be a typo of it; else "".
std::string suggestion(std::string_view key) {
    // Keys are at most a few dozen characters; longer text is no typo of one.
    if (key.size() > 64) {
        return {};
    }
    const std::size_t most = key.size() <= 3 ? 1 : key.size() <= 6 ? 2 : 3;
    std::string_view best;
    std::size_t best_distance = most + 1;
    auto consider = [&](std::string_view name) {
        if (const auto d = distance(key, name); d < best_distance) {
            best = name;
            best_distance = d;
        }
    };
    for (const auto& opt : config_options()) {
        consider(opt.name);
    }
    for (const auto& k : legacy_keys()) {
        consider(k.name);
    }
    if (best.empty()) {
        return {};
    }
    const auto* legacy = find_legacy_key(best);
    if (find_option(best) == nullptr && legacy != nullptr) {
        return fmt::format("; did you mean '{}' (the original DMS's {})?", best,
                           legacy->ours.empty() ? "key, ignored by dms"
                                                : fmt::format("name for '{}'", legacy->ours));
    }
    return fmt::format("; did you mean '{}'?", best);
}

/// The largest value of a seconds option (about 31 years).
constexpr long max_seconds = 1'000'000'000;

int to_int(std::string_view text, int min, int max, bool& ok) {
    int v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    ok = ec == std::errc{} && ptr == end && v >= min && v <= max;
    return v;
}

/// Check `text` against the option's kind; returns a problem or "".
std::string check_value(const OptionSpec& opt, std::string_view text) {
    bool ok = true;
    switch (opt.kind) {
    case OptionKind::text:
    case OptionKind::path:
        return {};
    case OptionKind::port:
        to_int(text, 1, 65535, ok);
        return ok ? "" : "expected a port number 1-65535";
    case OptionKind::count:
        to_int(text, 0, 1'000'000'000, ok);
        return ok ? "" : "expected a whole number >= 0";
    case OptionKind::seconds: {
        // Decimal only (no exponent, hex, inf or nan), every character read, and small
        // enough that any clock can be moved by it (Config::duration).
        double v = 0;
        const auto* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, v, std::chars_format::fixed);
        ok = !text.empty() && ec == std::errc{} && ptr == end && std::isfinite(v) && v >= 0 &&
             v <= max_seconds;
        return ok ? "" : fmt::format("expected seconds from 0 to {}", max_seconds);
    }
    case OptionKind::log_level:
        return log::level_from_string(text)
                   ? ""
                   : "expected one of debug info notice warning error critical";
    case OptionKind::log_target:
        return log::target_from_string(text) ? "" : "expected stderr or syslog";
    case OptionKind::facility:
        return log::syslog_facility_from_string(text) ? ""
                                                      : "expected user, daemon or local0-local7";
    }
    return {};
}

/// A value given for an option of ours, under its name or an original one.
struct Candidate {
    const Entry* entry;
    const LegacyKey* legacy; ///< the original's row: renamed, or ours with a conversion
    bool own_name;           ///< the key is our option's name
    std::size_t rank;        ///< the legacy row's place in the table (own name: 0)
    int section_rank;        ///< [DEFAULT] 0, [dmsdmd] 1, [dmsd] / [zone_tool] 2
};

/// Reads one file for one program: which entries it uses, and what to tell about the
/// original's keys and sections.
class Reader {
public:
    Reader(Program program, std::string_view file, const ConfigText& text)
        : m_program(program), m_own(to_string(program)), m_file(file), m_text(text) {
        find_original_form();
    }

    Config resolve();

private:
    void find_original_form();
    /// The section an entry's section stands for: ours, "dmsd" for [dmsdmd], "" for one
    /// no program reads.
    static std::string_view effective(std::string_view section) {
        if (const auto legacy = legacy_section(section)) {
            return *legacy;
        }
        return section;
    }
    bool reads(std::string_view effective_section) const {
        return effective_section == "DEFAULT" || effective_section == m_own;
    }
    void note(int line, std::string text) { m_notices.emplace_back(line, std::move(text)); }
    void classify(const Entry& e);
    void note_sections();
    std::optional<std::string> pick(const OptionSpec& opt, std::vector<Candidate>& candidates,
                                    int& line, std::string& key);

    Program m_program;
    std::string_view m_own;
    std::string_view m_file;
    const ConfigText& m_text;
    std::string m_original_form; ///< why this file is the original's, or ""
    std::map<std::string, std::vector<Candidate>, std::less<>> m_candidates;
    std::map<std::string, int, std::less<>> m_keys_in_section; // of each unread section
    std::vector<std::pair<int, std::string>> m_notices;
};

void Reader::find_original_form() {
    int line = 0;
    for (const auto& [name, at] : m_text.headers) {
        if (legacy_section(name) && (line == 0 || at < line)) {
            line = at;
            m_original_form = fmt::format("[{}] at line {}", name, at);
        }
    }
    for (const auto& e : m_text.entries) {
        if (find_option(e.key) == nullptr && find_legacy_key(e.key) != nullptr &&
            (line == 0 || e.line < line)) {
            line = e.line;
            m_original_form = fmt::format("'{}' at line {}", e.key, e.line);
        }
    }
}

void Reader::classify(const Entry& e) {
    const auto* opt = find_option(e.key);
    const auto* legacy = find_legacy_key(e.key);
    if (opt == nullptr && legacy == nullptr) {
        fail(m_file, e.line,
             fmt::format("unknown option '{}' in section [{}]{}", e.key, e.section,
                         suggestion(e.key)));
    }
    const auto section = effective(e.section);
    if (section.empty()) {
        // A section no dms program reads: its keys go with it; one of ours, or one we
        // map, is named, as someone may have meant it to count.
        ++m_keys_in_section[e.section];
        if (opt != nullptr) {
            note(e.line, fmt::format("'{}' in [{}] is ignored: no dms program reads [{}]", e.key,
                                     e.section, e.section));
        } else if (!legacy->ours.empty()) {
            note(e.line, fmt::format("'{}' in [{}] is ignored: no dms program reads [{}] "
                                     "(dms's name for it is '{}')",
                                     e.key, e.section, e.section, legacy->ours));
        }
        return;
    }
    const auto* target = opt != nullptr ? opt : find_option(legacy->ours);
    if (target != nullptr && !scope_allows(target->scope, section)) {
        if (m_original_form.empty()) {
            fail(m_file, e.line,
                 fmt::format("option '{}' is not read from section [{}] (it goes in {})", e.key,
                             e.section, scope_sections(target->scope)));
        }
        if (reads(section)) {
            note(e.line, fmt::format("'{}' in [{}] is ignored: {} does not use it", e.key,
                                     e.section, m_own));
        }
        return;
    }
    if (!reads(section)) {
        return; // the other program's: it tells
    }
    if (target == nullptr) {
        note(e.line,
             fmt::format("'{}' is ignored (a key of the original DMS): {}", e.key, legacy->why));
        return;
    }
    const int section_rank = section == "DEFAULT" ? 0 : e.section == "dmsdmd" ? 1 : 2;
    const auto rank =
        legacy == nullptr ? 0 : static_cast<std::size_t>(legacy - legacy_keys().data());
    m_candidates[std::string(target->name)].push_back(
        {&e, legacy, opt != nullptr, opt != nullptr ? 0 : rank, section_rank});
}

void Reader::note_sections() {
    for (const auto& [name, line] : m_text.headers) {
        const auto legacy = legacy_section(name);
        if (!legacy) {
            continue;
        }
        if (legacy->empty()) {
            const auto it = m_keys_in_section.find(name);
            const int count = it == m_keys_in_section.end() ? 0 : it->second;
            note(line, fmt::format("section [{}] and the {} key{} in it are ignored: {}", name,
                                   count, count == 1 ? "" : "s", legacy_section_why(name)));
        } else if (*legacy == m_own) {
            note(line, fmt::format("section [{}] is the original DMS's name for [{}]; read as [{}]",
                                   name, *legacy, *legacy));
        }
    }
}

/// The value of `opt` from its candidates (nullopt: none usable), with the line and key
/// it came from; notes what happened to every candidate.
std::optional<std::string> Reader::pick(const OptionSpec& opt, std::vector<Candidate>& candidates,
                                        int& line, std::string& key) {
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) {
                         if (a.own_name != b.own_name) {
                             return a.own_name;
                         }
                         if (a.rank != b.rank) {
                             return a.rank < b.rank;
                         }
                         return a.section_rank > b.section_rank;
                     });
    const Candidate* winner = nullptr;
    std::optional<std::string> value;
    for (const auto& c : candidates) {
        const auto& e = *c.entry;
        if (winner != nullptr) {
            const auto& w = *winner->entry;
            if (c.own_name && e.section == "dmsdmd" && w.section != "dmsdmd") {
                note(e.line, fmt::format("'{}' in [dmsdmd] is overridden by [{}] (line {})", e.key,
                                         w.section, w.line));
            } else if (!c.own_name && winner->own_name) {
                note(e.line, fmt::format("'{}' is the original DMS's name for '{}', which line "
                                         "{} sets: ignored",
                                         e.key, opt.name, w.line));
            } else if (!c.own_name && w.key != e.key) {
                note(e.line, fmt::format("'{}' is the original DMS's name for '{}', which '{}' "
                                         "(line {}) sets: ignored",
                                         e.key, opt.name, w.key, w.line));
            } else if (!c.own_name) {
                note(e.line,
                     fmt::format("'{}' is the original DMS's name; use '{}'", e.key, opt.name));
            }
            continue;
        }
        // Our own keys' values are converted only in a file in the original's form.
        const bool convert = c.legacy != nullptr && (!c.own_name || !m_original_form.empty());
        const auto converted = convert ? convert_legacy_value(c.legacy->conversion, e.value)
                                       : LegacyValue{e.value, ""};
        if (!converted.value) {
            note(e.line, fmt::format("{} = '{}' (the original DMS's {}) cannot be used: {}; "
                                     "ignored",
                                     e.key, printable(e.value),
                                     c.own_name ? "form" : fmt::format("name for '{}'", opt.name),
                                     converted.note));
            continue;
        }
        if (!c.own_name) {
            note(e.line, fmt::format("'{}' is the original DMS's name; use '{}'{}", e.key, opt.name,
                                     converted.note.empty() ? "" : "; read " + converted.note));
        } else if (!converted.note.empty()) {
            note(e.line, fmt::format("{} = {} read as the original DMS's, since this file is one "
                                     "({}): {}",
                                     e.key, printable(e.value), m_original_form, converted.note));
        }
        winner = &c;
        value = converted.value;
        line = e.line;
        key = e.key;
    }
    return value;
}

Config Reader::resolve() {
    for (const auto& e : m_text.entries) {
        classify(e);
    }
    note_sections();
    Config cfg;
    cfg.program = m_program;
    cfg.source = std::string(m_file);
    for (const auto& opt : config_options()) {
        if (!applies_to(opt.scope, m_program)) {
            continue;
        }
        std::string value(m_program == Program::zone_tool && !opt.zone_tool_default.empty()
                              ? opt.zone_tool_default
                              : opt.default_value);
        int line = 0;
        std::string key(opt.name);
        if (auto it = m_candidates.find(opt.name); it != m_candidates.end()) {
            if (auto given = pick(opt, it->second, line, key)) {
                value = std::move(*given);
            }
        }
        if (const auto problem = check_value(opt, value); !problem.empty()) {
            fail(m_file, line, fmt::format("{} = '{}': {}", key, printable(value), problem));
        }
        cfg.values.emplace(std::string(opt.name), value);
    }
    std::stable_sort(m_notices.begin(), m_notices.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [line, text] : m_notices) {
        cfg.notices.push_back(fmt::format("{}:{}: {}", m_file, line, text));
    }

    bool ok = true;
    cfg.db.host = cfg.value("db_host");
    cfg.db.port = to_int(cfg.value("db_port"), 1, 65535, ok);
    cfg.db.name = cfg.value("db_name");
    cfg.db.user = cfg.value("db_user");
    cfg.db.password_file = cfg.value("db_password_file");
    cfg.db.connect_timeout = to_int(cfg.value("db_connect_timeout"), 0, 1'000'000'000, ok);
    cfg.log.level = *log::level_from_string(cfg.value("log_level"));
    cfg.log.target = *log::target_from_string(cfg.value("log_target"));
    cfg.log.syslog_facility = *log::syslog_facility_from_string(cfg.value("syslog_facility"));
    cfg.log.ident = std::string(m_own);
    return cfg;
}

} // namespace

std::string_view to_string(Program program) {
    return program == Program::dmsd ? "dmsd" : "zone_tool";
}

std::chrono::milliseconds Config::duration(std::string_view name) const {
    return std::chrono::milliseconds(std::llround(std::stod(value(name)) * 1000.0));
}

long Config::number(std::string_view name) const {
    return std::stol(value(name));
}

const std::string& Config::value(std::string_view name) const {
    auto it = values.find(name);
    if (it == values.end()) {
        throw Error(ErrorCode::internal,
                    fmt::format("configuration option '{}' is not defined for {}", name,
                                to_string(program)));
    }
    return it->second;
}

Config parse_config(Program program, std::istream& in, std::string_view file_name) {
    const auto text = read_text(in, file_name);
    return Reader(program, file_name, text).resolve();
}

Config default_config(Program program) {
    std::istringstream empty;
    return parse_config(program, empty, "(built-in defaults)");
}

Config load_config(Program program, const std::optional<std::string>& cli_path) {
    std::string path;
    bool asked = true;
    if (cli_path) {
        path = *cli_path;
    } else if (const char* env = std::getenv("DMS_CONFIG"); env != nullptr && *env != '\0') {
        path = env;
    } else {
        path = std::string(default_config_path);
        asked = false;
    }
    std::ifstream in(path);
    if (!in) {
        if (!asked && errno == ENOENT) {
            return default_config(program);
        }
        throw ConfigError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
    }
    return parse_config(program, in, path);
}

void log_config_notices(const Config& config) {
    for (const auto& notice : config.notices) {
        log::warning("config", "load", "{}", notice);
    }
}

std::string read_db_password(const DbSettings& settings) {
    std::ifstream in(settings.password_file);
    if (!in) {
        throw ConfigError(fmt::format("{}: cannot read database password file: {}",
                                      settings.password_file, std::strerror(errno)));
    }
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
    }
    return line;
}

} // namespace dms
