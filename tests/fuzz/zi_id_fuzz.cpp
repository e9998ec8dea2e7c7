// SPDX-License-Identifier: GPL-3.0-or-later
// The zi-id syntax: zi_id::parse() on any text, at a few clocks and UTC offsets,
// then resolve() against a small zone history. Checked besides memory and UB: bad
// text is a dms::Error with a zi-id code that quotes the text; a selector holds
// what the syntax allows (an age of at most 100 years, an instant from 1900 to
// 2199; DD/MM and hh:mm not after now); resolve() picks ZIs of the history only, at most one unless
// All.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "dms/core/error.hpp"
#include "dms/core/zi_id.hpp"

#include "fuzz_check.hpp"

namespace {

using namespace dms;
using namespace std::chrono;
using zi_id::TimePoint;

constexpr TimePoint at(year_month_day day, hours h, minutes m) {
    return sys_days{day} + h + m;
}

struct Clock {
    TimePoint now;
    minutes utc_offset;
};

// A summer noon, just after a leap day, New Year's Eve near the end of the range
// (dates are read up to 2199), each in another time zone.
const std::array<Clock, 4> clocks{{
    {at(2024y / June / 15, 10h, 30min), minutes{0}},
    {at(2028y / March / 1, 0h, 10min), minutes{-5 * 60}},
    {at(2199y / December / 31, 23h, 59min), minutes{14 * 60}},
    {at(1971y / January / 1, 0h, 0min), minutes{-12 * 60}},
}};

bool zi_id_code(ErrorCode code) {
    switch (code) {
    case ErrorCode::zi_id_syntax:
    case ErrorCode::zi_id_adj_string_syntax:
    case ErrorCode::zi_id_time_unit_syntax:
    case ErrorCode::zi_id_time_amount_syntax:
    case ErrorCode::zi_id_hh_mm_syntax:
    case ErrorCode::zi_id_dd_slash_mm_syntax:
    case ErrorCode::zi_id_dd_mm_yyyy_syntax:
    case ErrorCode::zi_id_iso_date_syntax:
        return true;
    default:
        return false;
    }
}

void check(std::string_view text, const Clock& clock) {
    zi_id::Selector selector;
    try {
        selector = zi_id::parse(text, clock.now, clock.utc_offset);
    } catch (const Error& e) {
        FUZZ_CHECK(zi_id_code(e.code()), e.what());
        FUZZ_CHECK(std::string_view(e.what()).find("bad zi-id '" + std::string(text) + "'") !=
                       std::string_view::npos,
                   e.what());
        return;
    }
    const TimePoint first = sys_days{1900y / January / 1} - 14h;
    const TimePoint last = sys_days{2200y / January / 1} + 12h;
    if (const auto* a = std::get_if<zi_id::Age>(&selector)) {
        FUZZ_CHECK(a->amount >= seconds{0} && a->amount <= days{36525}, std::string(text));
        FUZZ_CHECK(a->cutoff == clock.now - a->amount, std::string(text));
    }
    if (const auto* a = std::get_if<zi_id::At>(&selector)) {
        FUZZ_CHECK(a->instant >= first && a->instant < last, std::string(text));
        // DD/MM and hh:mm name the latest such day or time not after now.
        const auto slashes = std::count(text.begin(), text.end(), '/');
        const bool day_month = slashes == 1 && text.find(',') == std::string_view::npos;
        const bool time_of_day = slashes == 0 && text.find('-') == std::string_view::npos;
        FUZZ_CHECK(!(day_month || time_of_day) || a->instant <= clock.now,
                   "a day or time after now: " + std::string(text));
    }
    // Ids 1-6; ZIs 3 and 4 share a ctime.
    const std::array<zi_id::ZiRef, 6> history{{
        {5, clock.now - days{400}},
        {1, clock.now - days{30}},
        {3, clock.now - hours{2}},
        {4, clock.now - hours{2}},
        {2, clock.now - minutes{1}},
        {6, clock.now},
    }};
    for (const std::optional<std::int64_t> published :
         {std::optional<std::int64_t>{3}, std::optional<std::int64_t>{}}) {
        const auto ids = zi_id::resolve(selector, history, published);
        if (std::holds_alternative<zi_id::All>(selector)) {
            FUZZ_CHECK(ids.size() == history.size(), std::string(text));
            continue;
        }
        FUZZ_CHECK(ids.size() <= 1, std::string(text));
        for (const auto id : ids) {
            FUZZ_CHECK(id >= 1 && id <= 6, std::string(text));
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A zi-id comes from argv or a shell line: C strings, so it ends at a NUL.
    std::string_view text(reinterpret_cast<const char*>(data), size);
    text = text.substr(0, text.find('\0'));
    for (const auto& clock : clocks) {
        check(text, clock);
    }
    return 0;
}
