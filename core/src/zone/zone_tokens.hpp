// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to core/src/zone: the small lexing helpers of zone text that the line
// reader (zone_parse.cpp), $GENERATE (zone_generate.cpp) and the split of big zones
// (zone_parse_parallel.cpp) share. Inline: they run on every line.

#include <string>
#include <string_view>
#include <vector>

namespace dms::zone_detail {

inline bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

inline std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && blank(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (blank(s.back()) || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

/// Split presentation text into tokens; quoted strings stay one token (with quotes).
inline std::vector<std::string_view> tokenize(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && blank(s[i])) {
            ++i;
        }
        if (i >= s.size()) {
            break;
        }
        const std::size_t start = i;
        bool quoted = false;
        while (i < s.size() && (quoted || !blank(s[i]))) {
            if (s[i] == '\\' && i + 1 < s.size()) {
                i += 2;
                continue;
            }
            if (s[i] == '"') {
                quoted = !quoted;
            }
            ++i;
        }
        out.push_back(s.substr(start, i - start));
    }
    return out;
}

} // namespace dms::zone_detail
