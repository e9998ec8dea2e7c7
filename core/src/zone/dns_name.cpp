// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/dns_name.hpp"

#include <cctype>

#include <fmt/format.h>

namespace dms {
namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool ldh(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
}

} // namespace

std::optional<std::string> normalize_zone_name(std::string_view name, std::string* error) {
    auto fail = [&](const char* why) -> std::optional<std::string> {
        if (error != nullptr) {
            *error = why;
        }
        return std::nullopt;
    };
    if (name.empty()) {
        return fail("empty name");
    }
    std::string out;
    out.reserve(name.size() + 1);
    for (const char c : name) {
        out += lower(c);
    }
    if (out == ".") {
        return fail("the root zone is not managed");
    }
    if (out.back() != '.') {
        out += '.';
    }
    if (out.size() > 254) { // 255 octets on the wire
        return fail("name longer than 255 octets");
    }
    std::size_t start = 0;
    while (start < out.size()) {
        const auto dot = out.find('.', start);
        const auto len = dot - start;
        if (len == 0) {
            return fail("empty label");
        }
        if (len > 63) {
            return fail("label longer than 63 octets");
        }
        for (auto i = start; i < dot; ++i) {
            const char c = out[i];
            if (!ldh(c) && c != '_' && c != '*') {
                if (error != nullptr) {
                    const auto u = static_cast<unsigned char>(c);
                    *error = fmt::format("character '{}' is not allowed in a zone name (letters, "
                                         "digits, '-' and '_')",
                                         u > 0x20 && u < 0x7f ? std::string(1, c)
                                                              : fmt::format("\\x{:02x}", u));
                }
                return std::nullopt;
            }
        }
        start = dot + 1;
    }
    return out;
}

std::string new_zone_name_problem(std::string_view name) {
    if (name.find('*') != std::string_view::npos) {
        return "'*' is not allowed in a zone name: named refuses a zone whose first label is "
               "the wildcard '*', and '*' is a pattern in file names and zone listings";
    }
    if (name.starts_with('-')) {
        return "a zone name may not start with '-': its zone file name would read as an "
               "option to programs";
    }
    return {};
}

std::optional<std::string> relative_label(std::string_view absolute, std::string_view zone) {
    if (absolute.size() == zone.size()) {
        return absolute == zone ? std::optional<std::string>("@") : std::nullopt;
    }
    if (absolute.size() < zone.size() + 1 || !absolute.ends_with(zone) ||
        absolute[absolute.size() - zone.size() - 1] != '.') {
        return std::nullopt;
    }
    return std::string(absolute.substr(0, absolute.size() - zone.size() - 1));
}

std::string absolute_name(std::string_view label, std::string_view zone) {
    if (label == "@") {
        return std::string(zone);
    }
    std::string out(label);
    out += '.';
    out += zone;
    return out;
}

bool is_hostname(std::string_view name) {
    if (name.ends_with('.')) {
        name.remove_suffix(1);
    }
    if (name.empty()) {
        return false;
    }
    if (name == "*") {
        return true;
    }
    if (name.starts_with("*.")) {
        name.remove_prefix(2);
    }
    std::size_t start = 0;
    while (start <= name.size()) {
        auto dot = name.find('.', start);
        if (dot == std::string_view::npos) {
            dot = name.size();
        }
        const auto label = name.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (const char c : label) {
            if (!ldh(c)) {
                return false;
            }
        }
        start = dot + 1;
    }
    return true;
}

std::optional<std::uint32_t> parse_ttl(std::string_view text) {
    if (text.empty() || text.size() > max_ttl_text) {
        return std::nullopt;
    }
    std::uint64_t total = 0;
    std::uint64_t number = 0;
    bool have_digits = false;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            number = number * 10 + static_cast<std::uint64_t>(c - '0');
            have_digits = true;
            if (number > 0xFFFFFFFFULL) {
                return std::nullopt;
            }
            continue;
        }
        if (!have_digits) {
            return std::nullopt;
        }
        std::uint64_t unit = 0;
        switch (lower(c)) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 604800;
            break;
        default:
            return std::nullopt;
        }
        total += number * unit;
        number = 0;
        have_digits = false;
        if (total > 0xFFFFFFFFULL) {
            return std::nullopt;
        }
    }
    total += number;
    if (total > 0xFFFFFFFFULL) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(total);
}

std::string ttl_problem(std::string_view text) {
    bool syntax = !text.empty() && text.front() >= '0' && text.front() <= '9';
    for (const char c : text) {
        syntax = syntax && ((c >= '0' && c <= '9') ||
                            std::string_view("smhdwSMHDW").find(c) != std::string_view::npos);
    }
    if (!syntax) {
        return fmt::format("'{}' is not a number of seconds or of units s, m, h, d, w (1h30m)",
                           text);
    }
    if (text.size() > max_ttl_text) {
        return fmt::format("'{}' is longer than {} characters", text, max_ttl_text);
    }
    // RFC 2181 section 8 limits TTLs to 2^31-1. named loads a larger one with a warning
    // as 0 ("TTL > MAXTTL, setting TTL to 0") and reads one of 2^32 or more as an RR
    // type ("unknown RR type"): dms refuses both rather than serve another value.
    const auto v = parse_ttl(text);
    if (!v || *v > max_ttl) {
        return fmt::format("{} is out of range (0..{})", text, max_ttl);
    }
    return {};
}

} // namespace dms
