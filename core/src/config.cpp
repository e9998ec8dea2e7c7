// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"

namespace po = boost::program_options;

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

bool applies_to(OptionScope scope, Program program) {
    return scope == OptionScope::common ||
           (scope == OptionScope::dmsd && program == Program::dmsd) ||
           (scope == OptionScope::zone_tool && program == Program::zone_tool);
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

/// Line numbers of "section.key" entries, so errors reported by
/// program_options (which knows no lines) can name the line.
class LineIndex {
public:
    void add(const std::string& key, int line) { m_lines[key].push_back(line); }
    int first(const std::string& key) const {
        auto it = m_lines.find(key);
        return it == m_lines.end() ? 0 : it->second.front();
    }
    int last(const std::string& key) const {
        auto it = m_lines.find(key);
        return it == m_lines.end() ? 0 : it->second.back();
    }

private:
    std::map<std::string, std::vector<int>> m_lines;
};

[[noreturn]] void fail(std::string_view file, int line, std::string_view problem) {
    if (line > 0) {
        throw ConfigError(fmt::format("{}:{}: {}", file, line, problem));
    }
    throw ConfigError(fmt::format("{}: {}", file, problem));
}

/// Check the shape of every line (program_options reports bad lines without a
/// line number) and return the text with ';' comment lines blanked, which
/// program_options does not treat as comments.
std::string printable(std::string_view text);

std::string prescan(std::istream& in, std::string_view file, LineIndex& index) {
    std::string out;
    std::string raw;
    std::string section;
    int line = 0;
    while (std::getline(in, raw)) {
        ++line;
        const auto text = trim(raw);
        if (text.empty() || text.front() == '#' || text.front() == ';') {
            out += '\n';
            continue;
        }
        if (text.front() == '[') {
            if (text.back() != ']') {
                fail(file, line, fmt::format("malformed section header '{}'", text));
            }
            section = std::string(trim(text.substr(1, text.size() - 2)));
            if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
                fail(file, line,
                     fmt::format("unknown section [{}] (known: [DEFAULT] [dmsd] [zone_tool])",
                                 section));
            }
        } else {
            const auto eq = text.find('=');
            const auto key =
                eq == std::string_view::npos ? std::string_view{} : trim(text.substr(0, eq));
            if (key.empty()) {
                fail(file, line, fmt::format("expected 'key = value', found '{}'", text));
            }
            const auto bad = std::find_if(key.begin(), key.end(), [](char c) {
                return !(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
                         c == '.');
            });
            if (bad != key.end()) {
                // Found by config_fuzz: program_options cuts a '#' out of the key and then
                // spends minutes on its own message for the line.
                fail(file, line,
                     fmt::format("option name '{}' holds '{}': only letters, digits, '_' and "
                                 "'-' are allowed",
                                 printable(key), printable(std::string_view(&*bad, 1))));
            }
            if (section.empty()) {
                fail(file, line, fmt::format("option '{}' before any [section] header", key));
            }
            index.add(section + "." + std::string(key), line);
        }
        out += raw;
        out += '\n';
    }
    if (in.bad()) {
        fail(file, 0, "read error");
    }
    return out;
}

po::options_description describe_all() {
    po::options_description desc;
    for (const auto section : sections) {
        for (const auto& opt : config_options()) {
            if (scope_allows(opt.scope, section)) {
                desc.add_options()(fmt::format("{}.{}", section, opt.name).c_str(),
                                   po::value<std::string>());
            }
        }
    }
    return desc;
}

int to_int(std::string_view text, int min, int max, bool& ok) {
    int v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    ok = ec == std::errc{} && ptr == end && v >= min && v <= max;
    return v;
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

/// The largest value of a seconds option (about 31 years).
constexpr long max_seconds = 1'000'000'000;

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

Config resolve(Program program, const std::map<std::string, std::string>& given,
               const LineIndex& index, std::string_view file) {
    Config cfg;
    cfg.program = program;
    cfg.source = std::string(file);
    const std::string own_section(to_string(program));
    for (const auto& opt : config_options()) {
        if (!applies_to(opt.scope, program)) {
            continue;
        }
        std::string value(program == Program::zone_tool && !opt.zone_tool_default.empty()
                              ? opt.zone_tool_default
                              : opt.default_value);
        int line = 0;
        for (const auto& section : {std::string("DEFAULT"), own_section}) {
            const auto key = section + "." + std::string(opt.name);
            if (auto it = given.find(key); it != given.end()) {
                value = std::string(trim(it->second));
                line = index.first(key);
            }
        }
        if (const auto problem = check_value(opt, value); !problem.empty()) {
            fail(file, line, fmt::format("{} = '{}': {}", opt.name, printable(value), problem));
        }
        cfg.values.emplace(std::string(opt.name), value);
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
    cfg.log.ident = own_section;
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
    LineIndex index;
    std::istringstream text(prescan(in, file_name, index));
    std::map<std::string, std::string> given;
    try {
        // Built once: it is the same for every parse (parsed_options points into it).
        static const po::options_description desc = describe_all();
        const auto parsed = po::parse_config_file(text, desc, false);
        po::variables_map vm;
        po::store(parsed, vm);
        for (const auto& [key, value] : vm) {
            given.emplace(key, value.as<std::string>());
        }
    } catch (const po::unknown_option& e) {
        const auto key = e.get_option_name();
        const auto dot = key.find('.');
        fail(file_name, index.first(key),
             fmt::format("unknown option '{}' in section [{}]", key.substr(dot + 1),
                         key.substr(0, dot)));
    } catch (const po::multiple_occurrences& e) {
        const auto key = e.get_option_name();
        fail(file_name, index.last(key), fmt::format("option '{}' given twice", key));
    } catch (const po::error& e) {
        fail(file_name, 0, e.what());
    }
    return resolve(program, given, index, file_name);
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

} // namespace dms
