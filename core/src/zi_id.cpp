// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/zi_id.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <tuple>

#include <fmt/format.h>

#include "dms/core/error.hpp"

namespace dms::zi_id {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

// Dates and times are read as local calendar values. They are held in sys_days /
// system_clock time points that count local time since the epoch, and the UTC offset is
// subtracted once, when the absolute instant is made.
using LocalTime = std::chrono::system_clock::time_point;

constexpr std::string_view general_expected =
    "expected an id, *, ^[-|+][N], <id>-N, <id>+N, @N[s|m|h|d|w], a date or a time";
constexpr std::string_view published_expected = "expected ^, ^-, ^--, ^-N, ^+, ^++ or ^+N";
constexpr std::string_view relative_expected =
    "expected <id>-, <id>--, <id>-N, <id>+, <id>++ or <id>+N";
constexpr std::string_view amount_expected =
    "expected @N[s|m|h|d|w] with N a whole number of at most 100 years";
constexpr std::string_view unit_expected = "expected @N followed by s, m, h, d, w or nothing";
constexpr std::string_view hh_mm_expected =
    "expected hh:mm (00:00 to 23:59) or hh:mm followed by am or pm (hours 1 to 12)";
constexpr std::string_view iso_time_expected = "expected a 24-hour time hh:mm after YYYY-MM-DD,";
constexpr std::string_view dd_mm_expected = "expected DD/MM, a valid day and month";
constexpr std::string_view dd_mm_yyyy_expected =
    "expected DD/MM/YYYY or DD/MM/YY[,hh:mm[am|pm]], a valid date from 1900 to 2199";
constexpr std::string_view iso_expected =
    "expected YYYY-MM-DD[,hh:mm], a valid date from 1900 to 2199";

constexpr int min_year = 1900;
constexpr int max_year = 2199;
// Keeps now - age far inside the range of a nanosecond system_clock.
constexpr seconds max_age = days{36525};

[[noreturn]] void fail(ErrorCode code, std::string_view text, std::string_view expected) {
    throw Error(code, fmt::format("bad zi-id '{}': {}", text, expected));
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::size_t digit_run(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && is_digit(s[n])) {
        ++n;
    }
    return n;
}

/// A non-empty run of digits as a number; nullopt if anything else or too big.
std::optional<std::int64_t> to_number(std::string_view s) {
    if (s.empty() || digit_run(s) != s.size()) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

/// "-", "--", "-N", "+", "++", "+N" (a run of one sign, or a sign and a number).
std::optional<std::int64_t> to_steps(std::string_view adjustment) {
    if (adjustment.empty() || (adjustment[0] != '-' && adjustment[0] != '+')) {
        return std::nullopt;
    }
    const char sign = adjustment[0];
    const auto rest = adjustment.substr(1);
    std::int64_t count = 0;
    if (rest.find_first_not_of(sign) == std::string_view::npos) {
        count = static_cast<std::int64_t>(adjustment.size());
    } else if (const auto n = to_number(rest)) {
        count = *n;
    } else {
        return std::nullopt;
    }
    return sign == '-' ? -count : count;
}

bool equals_ignoring_case(std::string_view a, std::string_view lower) {
    return a.size() == lower.size() &&
           std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) {
               return (x >= 'A' && x <= 'Z' ? static_cast<char>(x - 'A' + 'a') : x) == y;
           });
}

/// "h:mm" or "hh:mm", then "am"/"pm" if allowed; the time since midnight.
minutes to_time_of_day(std::string_view part, bool allow_am_pm, std::string_view text,
                       std::string_view expected) {
    const auto hour_digits = digit_run(part);
    if (hour_digits < 1 || hour_digits > 2 || part.size() < hour_digits + 3 ||
        part[hour_digits] != ':' || !is_digit(part[hour_digits + 1]) ||
        !is_digit(part[hour_digits + 2])) {
        fail(ErrorCode::zi_id_hh_mm_syntax, text, expected);
    }
    const int hour = static_cast<int>(*to_number(part.substr(0, hour_digits)));
    const int minute = static_cast<int>(*to_number(part.substr(hour_digits + 1, 2)));
    const auto suffix = part.substr(hour_digits + 3);
    if (minute > 59) {
        fail(ErrorCode::zi_id_hh_mm_syntax, text, expected);
    }
    if (suffix.empty()) {
        if (hour > 23) {
            fail(ErrorCode::zi_id_hh_mm_syntax, text, expected);
        }
        return minutes{hour * 60 + minute};
    }
    const bool am = equals_ignoring_case(suffix, "am");
    const bool pm = equals_ignoring_case(suffix, "pm");
    if (!allow_am_pm || (!am && !pm) || hour < 1 || hour > 12) {
        fail(ErrorCode::zi_id_hh_mm_syntax, text, expected);
    }
    return minutes{(hour % 12 + (pm ? 12 : 0)) * 60 + minute};
}

/// Day or month: one or two digits.
std::optional<unsigned> to_day_or_month(std::string_view s) {
    if (s.empty() || s.size() > 2) {
        return std::nullopt;
    }
    const auto n = to_number(s);
    return n ? std::optional<unsigned>(static_cast<unsigned>(*n)) : std::nullopt;
}

/// A valid calendar day in the supported years.
std::optional<sys_days> to_day(int year, unsigned month, unsigned day) {
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                           std::chrono::day{day}};
    if (year < min_year || year > max_year || !date.ok()) {
        return std::nullopt;
    }
    return sys_days{date};
}

At at(LocalTime local, minutes utc_offset) {
    return At{local - utc_offset};
}

/// "DD/MM": the latest such day not after today.
Selector parse_day_month(std::string_view text, LocalTime local_now, minutes utc_offset) {
    const auto slash = text.find('/');
    const auto day = to_day_or_month(text.substr(0, slash));
    const auto month = to_day_or_month(text.substr(slash + 1));
    // 29/02 is a day and month of the calendar even when this year has none.
    if (!day || !month ||
        !std::chrono::year_month_day{std::chrono::year{2000}, std::chrono::month{*month},
                                     std::chrono::day{*day}}
             .ok()) {
        fail(ErrorCode::zi_id_dd_slash_mm_syntax, text, dd_mm_expected);
    }
    const auto today = std::chrono::floor<days>(local_now);
    int year = static_cast<int>(std::chrono::year_month_day{today}.year());
    // A leap day can be up to eight years back (around 2100), other days one year.
    for (;; --year) {
        const auto candidate = to_day(year, *month, *day);
        if (candidate && *candidate <= today) {
            return at(*candidate, utc_offset);
        }
        if (year < min_year) {
            fail(ErrorCode::zi_id_dd_slash_mm_syntax, text, dd_mm_expected);
        }
    }
}

/// "DD/MM/YYYY" or "DD/MM/YY", then optionally ",hh:mm[am|pm]".
Selector parse_day_month_year(std::string_view text, minutes utc_offset) {
    const auto comma = text.find(',');
    const auto date = text.substr(0, comma);
    const auto first = date.find('/');
    const auto second = date.find('/', first + 1);
    const auto day = to_day_or_month(date.substr(0, first));
    const auto month = to_day_or_month(date.substr(first + 1, second - first - 1));
    const auto year_text = date.substr(second + 1);
    const auto year_number = to_number(year_text);
    if (!day || !month || !year_number || (year_text.size() != 2 && year_text.size() != 4)) {
        fail(ErrorCode::zi_id_dd_mm_yyyy_syntax, text, dd_mm_yyyy_expected);
    }
    int year = static_cast<int>(*year_number);
    if (year_text.size() == 2) {
        year += year >= 70 ? 1900 : 2000;
    }
    const auto midnight = to_day(year, *month, *day);
    if (!midnight) {
        fail(ErrorCode::zi_id_dd_mm_yyyy_syntax, text, dd_mm_yyyy_expected);
    }
    minutes time_of_day{0};
    if (comma != std::string_view::npos) {
        time_of_day = to_time_of_day(text.substr(comma + 1), true, text, hh_mm_expected);
    }
    return at(*midnight + time_of_day, utc_offset);
}

/// "YYYY-MM-DD", then optionally ",hh:mm" (24-hour).
Selector parse_iso_date(std::string_view text, minutes utc_offset) {
    const auto comma = text.find(',');
    const auto date = text.substr(0, comma);
    const auto first = date.find('-');
    const auto second = date.find('-', first + 1);
    const auto year_text = date.substr(0, first);
    const auto year = to_number(year_text);
    const auto month = to_day_or_month(date.substr(first + 1, second - first - 1));
    const auto day =
        second == std::string_view::npos ? std::nullopt : to_day_or_month(date.substr(second + 1));
    if (year_text.size() != 4 || !year || !month || !day) {
        fail(ErrorCode::zi_id_iso_date_syntax, text, iso_expected);
    }
    const auto midnight = to_day(static_cast<int>(*year), *month, *day);
    if (!midnight) {
        fail(ErrorCode::zi_id_iso_date_syntax, text, iso_expected);
    }
    minutes time_of_day{0};
    if (comma != std::string_view::npos) {
        time_of_day = to_time_of_day(text.substr(comma + 1), false, text, iso_time_expected);
    }
    return at(*midnight + time_of_day, utc_offset);
}

/// "hh:mm[am|pm]": today, or yesterday if that time is still to come.
Selector parse_time_of_day(std::string_view text, LocalTime local_now, minutes utc_offset) {
    const auto time_of_day = to_time_of_day(text, true, text, hh_mm_expected);
    LocalTime local = std::chrono::floor<days>(local_now) + time_of_day;
    if (local > local_now) {
        local -= days{1};
    }
    return at(local, utc_offset);
}

/// "@N[s|m|h|d|w]"; a bare N counts days.
Selector parse_age(std::string_view text, TimePoint now) {
    const auto rest = text.substr(1);
    const auto amount_digits = digit_run(rest);
    const auto amount = to_number(rest.substr(0, amount_digits));
    if (!amount) {
        fail(ErrorCode::zi_id_time_amount_syntax, text, amount_expected);
    }
    const auto unit_text = rest.substr(amount_digits);
    seconds unit = days{1};
    if (unit_text.size() > 1) {
        fail(ErrorCode::zi_id_time_unit_syntax, text, unit_expected);
    }
    if (unit_text.size() == 1) {
        switch (unit_text[0]) {
        case 's':
            unit = seconds{1};
            break;
        case 'm':
            unit = minutes{1};
            break;
        case 'h':
            unit = std::chrono::hours{1};
            break;
        case 'd':
            unit = days{1};
            break;
        case 'w':
            unit = std::chrono::weeks{1};
            break;
        default:
            fail(ErrorCode::zi_id_time_unit_syntax, text, unit_expected);
        }
    }
    if (*amount > max_age / unit) {
        fail(ErrorCode::zi_id_time_amount_syntax, text, amount_expected);
    }
    const seconds age = *amount * unit;
    return Age{age, now - age};
}

/// Text that starts with a digit: an id, <id>+-N, or a date or time.
Selector parse_numeric(std::string_view text, TimePoint now, minutes utc_offset) {
    const auto digits = digit_run(text);
    const auto rest = text.substr(digits);
    const LocalTime local_now = now + utc_offset;
    if (rest.empty()) {
        const auto id = to_number(text);
        if (!id) {
            fail(ErrorCode::zi_id_syntax, text, general_expected);
        }
        return *id == 0 ? Selector{All{}} : Selector{Id{*id}};
    }
    switch (rest[0]) {
    case '/':
        if (text.substr(0, text.find(',')).find('/', digits + 1) != std::string_view::npos) {
            return parse_day_month_year(text, utc_offset);
        }
        return parse_day_month(text, local_now, utc_offset);
    case ':':
        return parse_time_of_day(text, local_now, utc_offset);
    case '-':
    case '+': {
        // 2024-01-15 is a date, 2024-1 is two steps back from ZI 2024.
        const auto after_sign = rest.substr(1);
        const auto more_digits = digit_run(after_sign);
        if (rest[0] == '-' && more_digits > 0 && more_digits < after_sign.size() &&
            after_sign[more_digits] == '-') {
            return parse_iso_date(text, utc_offset);
        }
        const auto id = to_number(text.substr(0, digits));
        if (!id || *id == 0) {
            fail(ErrorCode::zi_id_syntax, text, general_expected);
        }
        const auto steps = to_steps(rest);
        if (!steps) {
            fail(ErrorCode::zi_id_adj_string_syntax, text, relative_expected);
        }
        return Relative{*id, *steps};
    }
    default:
        fail(ErrorCode::zi_id_syntax, text, general_expected);
    }
}

bool older(const ZiRef& a, const ZiRef& b) {
    return std::tie(a.ctime, a.id) < std::tie(b.ctime, b.id);
}

std::vector<ZiRef> oldest_first(std::span<const ZiRef> zis) {
    std::vector<ZiRef> sorted(zis.begin(), zis.end());
    std::sort(sorted.begin(), sorted.end(), older);
    return sorted;
}

std::vector<std::int64_t> step(std::span<const ZiRef> zis, std::int64_t from, std::int64_t steps) {
    const auto sorted = oldest_first(zis);
    const auto it =
        std::find_if(sorted.begin(), sorted.end(), [from](const ZiRef& z) { return z.id == from; });
    if (it == sorted.end()) {
        return {};
    }
    const std::int64_t index = it - sorted.begin();
    const std::int64_t size = static_cast<std::int64_t>(sorted.size());
    // Written so that huge step counts cannot overflow.
    if (steps < -index || steps >= size - index) {
        return {};
    }
    return {sorted[static_cast<std::size_t>(index + steps)].id};
}

std::vector<std::int64_t> latest_at(std::span<const ZiRef> zis, TimePoint instant) {
    const ZiRef* best = nullptr;
    for (const auto& zi : zis) {
        if (zi.ctime <= instant && (best == nullptr || older(*best, zi))) {
            best = &zi;
        }
    }
    if (best == nullptr) {
        return {};
    }
    return {best->id};
}

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
// clang 14 deduces no template arguments for aggregates (C++20 P1816) by itself.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

Selector parse(std::string_view text, TimePoint now, std::chrono::minutes utc_offset) {
    if (text.empty()) {
        fail(ErrorCode::zi_id_syntax, text, general_expected);
    }
    if (is_digit(text[0])) {
        return parse_numeric(text, now, utc_offset);
    }
    switch (text[0]) {
    case '*':
        if (text.size() != 1) {
            fail(ErrorCode::zi_id_syntax, text, general_expected);
        }
        return All{};
    case '^': {
        if (text.size() == 1) {
            return Published{0};
        }
        const auto steps = to_steps(text.substr(1));
        if (!steps) {
            fail(ErrorCode::zi_id_adj_string_syntax, text, published_expected);
        }
        return Published{*steps};
    }
    case '@':
        return parse_age(text, now);
    default:
        fail(ErrorCode::zi_id_syntax, text, general_expected);
    }
}

std::vector<std::int64_t> resolve(const Selector& selector, std::span<const ZiRef> zis,
                                  std::optional<std::int64_t> published_id) {
    return std::visit(Overloaded{
                          [&](const All&) {
                              const auto sorted = oldest_first(zis);
                              std::vector<std::int64_t> ids;
                              ids.reserve(sorted.size());
                              std::transform(sorted.rbegin(), sorted.rend(),
                                             std::back_inserter(ids),
                                             [](const ZiRef& zi) { return zi.id; });
                              return ids;
                          },
                          [&](const Id& s) { return step(zis, s.id, 0); },
                          [&](const Published& s) {
                              return published_id ? step(zis, *published_id, s.steps)
                                                  : std::vector<std::int64_t>{};
                          },
                          [&](const Relative& s) { return step(zis, s.id, s.steps); },
                          [&](const Age& s) { return latest_at(zis, s.cutoff); },
                          [&](const At& s) { return latest_at(zis, s.instant); },
                      },
                      selector);
}

} // namespace dms::zi_id
