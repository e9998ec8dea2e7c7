// SPDX-License-Identifier: GPL-3.0-or-later
// $GENERATE: the range, the ${offset,width,base} modifiers and their limits, and the
// records they make, which the zone text reader then reads like any other line.
#include "zone_generate.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "zone_tokens.hpp"

namespace dms::zone_detail {
namespace {

/// The widest field of a $GENERATE modifier ${offset,width,base}: a domain name has
/// at most 255 octets.
constexpr int max_generate_width = 255;

/// Substitute $GENERATE iterator references in `tmpl`; "" + error on bad syntax.
std::string substitute(std::string_view tmpl, long value, std::string& err) {
    std::string out;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        const char c = tmpl[i];
        if (c == '\\' && i + 1 < tmpl.size() && tmpl[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        if (c != '$') {
            out += c;
            continue;
        }
        long offset = 0;
        int width = 0;
        char base = 'd';
        if (i + 1 < tmpl.size() && tmpl[i + 1] == '{') {
            const auto close = tmpl.find('}', i);
            if (close == std::string_view::npos) {
                err = "unterminated ${";
                return {};
            }
            const auto spec = tmpl.substr(i + 2, close - i - 2);
            std::vector<std::string_view> parts;
            std::size_t s = 0;
            while (true) {
                const auto comma = spec.find(',', s);
                parts.push_back(
                    spec.substr(s, comma == std::string_view::npos ? spec.npos : comma - s));
                if (comma == std::string_view::npos) {
                    break;
                }
                s = comma + 1;
            }
            auto num = [&](std::string_view p, auto& v) {
                const char* b = p.data();
                if (!p.empty() && p.front() == '+') {
                    ++b;
                }
                const auto r = std::from_chars(b, p.data() + p.size(), v);
                return r.ec == std::errc{} && r.ptr == p.data() + p.size();
            };
            if (parts.size() > 3 || !num(parts[0], offset) ||
                (parts.size() > 1 &&
                 (!num(parts[1], width) || width < 0 || width > max_generate_width)) ||
                (parts.size() > 2 &&
                 (parts[2].size() != 1 ||
                  std::string_view("doxXnN").find(parts[2][0]) == std::string_view::npos))) {
                err = fmt::format("bad modifier ${{{}}}", spec);
                return {};
            }
            if (parts.size() > 2) {
                base = parts[2][0];
            }
            i = close;
        }
        long v = 0;
        if (__builtin_add_overflow(value, offset, &v)) {
            err =
                fmt::format("the offset makes a value beyond {}", std::numeric_limits<long>::max());
            return {};
        }
        if (v < 0) {
            err = "negative value";
            return {};
        }
        if (base == 'n' || base == 'N') {
            // Nibbles, least significant first, dot separated (ip6.arpa labels). As in
            // BIND, the width counts the dots too: ${0,5,n} of 0xab is "b.a.0", and an
            // even width ends in a dot.
            const char* digits = base == 'n' ? "0123456789abcdef" : "0123456789ABCDEF";
            const auto min_size = static_cast<std::size_t>(std::max(width, 0));
            std::string nib;
            for (long rest = v;;) {
                nib += digits[rest & 0xf];
                rest >>= 4;
                if (rest == 0 && nib.size() >= min_size) {
                    break;
                }
                nib += '.';
                if (rest == 0 && nib.size() >= min_size) {
                    break;
                }
            }
            out += nib;
        } else {
            const char* f = base == 'o'   ? "{:0{}o}"
                            : base == 'x' ? "{:0{}x}"
                            : base == 'X' ? "{:0{}X}"
                                          : "{:0{}d}";
            out += fmt::format(fmt::runtime(f), v, width);
        }
    }
    return out;
}

} // namespace

std::string expand_generate(std::string_view args, std::size_t max_records,
                            const std::function<void(std::string_view)>& record) {
    // $GENERATE start-stop[/step] lhs [ttl] [class] type rhs
    const auto t = tokenize(args);
    if (t.size() < 4) {
        return "$GENERATE needs: start-stop[/step] lhs [ttl] [class] type rhs";
    }
    long start = 0;
    long stop = 0;
    long step = 1;
    const auto range = t[0];
    const auto dash = range.find('-');
    const auto slash = range.find('/');
    auto num = [](std::string_view s, long& v) {
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size();
    };
    if (dash == std::string_view::npos || !num(range.substr(0, dash), start) ||
        !num(range.substr(dash + 1,
                          (slash == std::string_view::npos ? range.size() : slash) - dash - 1),
             stop) ||
        (slash != std::string_view::npos && !num(range.substr(slash + 1), step)) || step < 1 ||
        start < 0 || stop < start) {
        return fmt::format("$GENERATE: bad range '{}' (start-stop[/step])", range);
    }
    if (static_cast<std::size_t>((stop - start) / step + 1) > max_records) {
        return fmt::format("$GENERATE range {} makes more than {} records", range, max_records);
    }
    // Everything after the lhs token is the template of the rest of the line.
    const auto lhs = t[1];
    const auto rest = args.substr(static_cast<std::size_t>(lhs.data() + lhs.size() - args.data()));
    for (long v = start; v <= stop; v += step) {
        std::string err;
        const auto owner = substitute(lhs, v, err);
        const auto tail = err.empty() ? substitute(rest, v, err) : std::string{};
        if (!err.empty()) {
            return fmt::format("$GENERATE: {}", err);
        }
        std::string text = owner;
        text += ' ';
        text += tail;
        record(text);
    }
    return {};
}

} // namespace dms::zone_detail
