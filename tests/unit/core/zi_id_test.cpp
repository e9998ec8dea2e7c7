// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/core/zi_id.hpp"

namespace dms::zi_id {
namespace {

using namespace std::chrono_literals;
using Ids = std::vector<std::int64_t>;

TimePoint utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} /
                                 std::chrono::day{d}} +
           std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

// Saturday 15 June 2024, 14:30:00 UTC.
const TimePoint now = utc(2024, 6, 15, 14, 30);

Selector relative(std::int64_t id, std::int64_t steps) {
    return Relative{id, steps};
}

Selector age(std::chrono::seconds amount, TimePoint cutoff) {
    return Age{amount, cutoff};
}

Selector parse_now(std::string_view text) {
    return parse(text, now);
}

void expect_error(std::string_view text, ErrorCode code, TimePoint at_time = now,
                  std::chrono::minutes offset = 0min) {
    try {
        parse(text, at_time, offset);
        ADD_FAILURE() << "'" << text << "' parsed; expected " << error_info(code).name;
    } catch (const Error& e) {
        EXPECT_EQ(error_info(e.code()).name, error_info(code).name) << text << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find("'" + std::string(text) + "'"), std::string::npos)
            << "message does not quote the text: " << e.what();
    }
}

TEST(ZiIdSyntax, StarAndZeroMeanAll) {
    EXPECT_EQ(parse_now("*"), Selector{All{}});
    EXPECT_EQ(parse_now("0"), Selector{All{}});
    EXPECT_EQ(parse_now("000"), Selector{All{}});
}

TEST(ZiIdSyntax, IntegerId) {
    EXPECT_EQ(parse_now("1"), Selector{Id{1}});
    EXPECT_EQ(parse_now("1234"), Selector{Id{1234}});
    EXPECT_EQ(parse_now("9223372036854775807"),
              Selector{Id{std::numeric_limits<std::int64_t>::max()}});
    expect_error("9223372036854775808", ErrorCode::zi_id_syntax);
}

TEST(ZiIdSyntax, GeneralErrors) {
    for (const auto* text : {"", "abc", "*x", "**", " 12", "12 ", "-5", "+5", "1.5", "12x", "0-1",
                             "0+", "99999999999999999999-1", "#"}) {
        expect_error(text, ErrorCode::zi_id_syntax);
    }
}

TEST(ZiIdSyntax, PublishedAndSteps) {
    EXPECT_EQ(parse_now("^"), Selector{Published{0}});
    EXPECT_EQ(parse_now("^-"), Selector{Published{-1}});
    EXPECT_EQ(parse_now("^--"), Selector{Published{-2}});
    EXPECT_EQ(parse_now("^---"), Selector{Published{-3}});
    EXPECT_EQ(parse_now("^-5"), Selector{Published{-5}});
    EXPECT_EQ(parse_now("^-0"), Selector{Published{0}});
    EXPECT_EQ(parse_now("^+"), Selector{Published{1}});
    EXPECT_EQ(parse_now("^++"), Selector{Published{2}});
    EXPECT_EQ(parse_now("^+12"), Selector{Published{12}});
}

TEST(ZiIdSyntax, BadPublishedAdjustment) {
    for (const auto* text : {"^-x", "^x", "^-+", "^+-", "^-3x", "^--1", "^ ", "^^", "^-1-",
                             "^-99999999999999999999"}) {
        expect_error(text, ErrorCode::zi_id_adj_string_syntax);
    }
    try {
        parse_now("^-x");
        ADD_FAILURE() << "parsed";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "bad zi-id '^-x': expected ^, ^-, ^--, ^-N, ^+, ^++ or ^+N");
    }
}

TEST(ZiIdSyntax, RelativeToId) {
    EXPECT_EQ(parse_now("1234-2"), relative(1234, -2));
    EXPECT_EQ(parse_now("1234+3"), relative(1234, 3));
    EXPECT_EQ(parse_now("1234-"), relative(1234, -1));
    EXPECT_EQ(parse_now("1234--"), relative(1234, -2));
    EXPECT_EQ(parse_now("1234+"), relative(1234, 1));
    EXPECT_EQ(parse_now("1234++"), relative(1234, 2));
    // One dash and a number is a step, not a date.
    EXPECT_EQ(parse_now("2024-1"), relative(2024, -1));
}

TEST(ZiIdSyntax, BadRelativeAdjustment) {
    for (const auto* text : {"12-x", "12+-", "12-+", "12--3", "12+3a"}) {
        expect_error(text, ErrorCode::zi_id_adj_string_syntax);
    }
}

TEST(ZiIdSyntax, AgeUnits) {
    EXPECT_EQ(parse_now("@30s"), age(30s, now - 30s));
    EXPECT_EQ(parse_now("@5m"), age(300s, now - 5min));
    EXPECT_EQ(parse_now("@2h"), age(7200s, now - 2h));
    EXPECT_EQ(parse_now("@3d"), age(3 * 86400s, utc(2024, 6, 12, 14, 30)));
    EXPECT_EQ(parse_now("@1w"), age(7 * 86400s, utc(2024, 6, 8, 14, 30)));
    EXPECT_EQ(parse_now("@0"), age(0s, now));
}

TEST(ZiIdSyntax, AgeWithoutUnitCountsDays) {
    EXPECT_EQ(parse_now("@3"), parse_now("@3d"));
}

TEST(ZiIdSyntax, AgeErrors) {
    for (const auto* text : {"@", "@x", "@-1", "@d", "@99999999999999999999", "@5300w"}) {
        expect_error(text, ErrorCode::zi_id_time_amount_syntax);
    }
    for (const auto* text : {"@5y", "@5dd", "@5M", "@5 d", "@1.5h"}) {
        expect_error(text, ErrorCode::zi_id_time_unit_syntax);
    }
    // 100 years is the limit.
    EXPECT_EQ(parse_now("@36525d"), age(36525 * 86400s, now - 36525 * 24h));
    expect_error("@36526d", ErrorCode::zi_id_time_amount_syntax);
}

TEST(ZiIdSyntax, DayMonthYear) {
    EXPECT_EQ(parse_now("25/12/2023"), Selector{At{utc(2023, 12, 25)}});
    EXPECT_EQ(parse_now("1/2/2024"), Selector{At{utc(2024, 2, 1)}});
    EXPECT_EQ(parse_now("01/02/2024,9:05"), Selector{At{utc(2024, 2, 1, 9, 5)}});
    EXPECT_EQ(parse_now("25/12/2023,22:30"), Selector{At{utc(2023, 12, 25, 22, 30)}});
    EXPECT_EQ(parse_now("25/12/2023,10:30pm"), Selector{At{utc(2023, 12, 25, 22, 30)}});
    EXPECT_EQ(parse_now("25/12/2023,10:30AM"), Selector{At{utc(2023, 12, 25, 10, 30)}});
    // Dates in the future are fine; they just select the newest ZI.
    EXPECT_EQ(parse_now("1/1/2199"), Selector{At{utc(2199, 1, 1)}});
}

TEST(ZiIdSyntax, TwoDigitYearPivot) {
    EXPECT_EQ(parse_now("25/12/23"), Selector{At{utc(2023, 12, 25)}});
    EXPECT_EQ(parse_now("01/01/69"), Selector{At{utc(2069, 1, 1)}});
    EXPECT_EQ(parse_now("01/01/70"), Selector{At{utc(1970, 1, 1)}});
    EXPECT_EQ(parse_now("31/12/99"), Selector{At{utc(1999, 12, 31)}});
    EXPECT_EQ(parse_now("01/01/00"), Selector{At{utc(2000, 1, 1)}});
    EXPECT_EQ(parse_now("1/1/00,12:00am"), Selector{At{utc(2000, 1, 1)}});
}

TEST(ZiIdSyntax, LeapDays) {
    EXPECT_EQ(parse_now("29/02/2024"), Selector{At{utc(2024, 2, 29)}});
    EXPECT_EQ(parse_now("29/02/2000"), Selector{At{utc(2000, 2, 29)}});
    expect_error("29/02/2023", ErrorCode::zi_id_dd_mm_yyyy_syntax);
    expect_error("29/02/1900", ErrorCode::zi_id_dd_mm_yyyy_syntax);
    EXPECT_EQ(parse_now("2024-02-29"), Selector{At{utc(2024, 2, 29)}});
    expect_error("2023-02-29", ErrorCode::zi_id_iso_date_syntax);
}

TEST(ZiIdSyntax, BadDayMonthYear) {
    for (const auto* text :
         {"31/04/2024", "0/1/2024", "1/0/2024", "1/13/2024", "123/1/2024", "1/1/024", "1/1/20245",
          "1/1/1899", "1/1/2200", "1//2024", "1/1/", "1/1/2024/1", "1/1/2024x"}) {
        expect_error(text, ErrorCode::zi_id_dd_mm_yyyy_syntax);
    }
    // A bad time after a good date is a time error.
    expect_error("1/1/2024,25:00", ErrorCode::zi_id_hh_mm_syntax);
    expect_error("1/1/2024,", ErrorCode::zi_id_hh_mm_syntax);
}

TEST(ZiIdSyntax, DayMonthIsThisYearOrLast) {
    EXPECT_EQ(parse_now("01/01"), Selector{At{utc(2024, 1, 1)}});
    EXPECT_EQ(parse_now("15/06"), Selector{At{utc(2024, 6, 15)}}); // today is not the future
    EXPECT_EQ(parse_now("16/06"), Selector{At{utc(2023, 6, 16)}}); // tomorrow: last year
    EXPECT_EQ(parse_now("31/12"), Selector{At{utc(2023, 12, 31)}});
    EXPECT_EQ(parse_now("1/6"), Selector{At{utc(2024, 6, 1)}});
}

TEST(ZiIdSyntax, DayMonthLeapDayIsTheLastOne) {
    EXPECT_EQ(parse_now("29/02"), Selector{At{utc(2024, 2, 29)}});
    EXPECT_EQ(parse("29/02", utc(2025, 6, 1)), Selector{At{utc(2024, 2, 29)}});
    EXPECT_EQ(parse("29/02", utc(2024, 1, 10)), Selector{At{utc(2020, 2, 29)}});
    EXPECT_EQ(parse("29/02", utc(2104, 1, 10)), Selector{At{utc(2096, 2, 29)}}); // 2100: no
}

TEST(ZiIdSyntax, BadDayMonth) {
    for (const auto* text : {"31/02", "30/02", "31/04", "0/5", "5/0", "13/13", "1/", "123/4",
                             "1/123", "1/2,", "1/2,10:00", "1/2x"}) {
        expect_error(text, ErrorCode::zi_id_dd_slash_mm_syntax);
    }
}

TEST(ZiIdSyntax, TimeOfDayIsTodayOrYesterday) {
    EXPECT_EQ(parse_now("14:30"), Selector{At{utc(2024, 6, 15, 14, 30)}}); // now is not future
    EXPECT_EQ(parse_now("14:31"), Selector{At{utc(2024, 6, 14, 14, 31)}});
    EXPECT_EQ(parse_now("9:00"), Selector{At{utc(2024, 6, 15, 9, 0)}});
    EXPECT_EQ(parse_now("00:00"), Selector{At{utc(2024, 6, 15)}});
    EXPECT_EQ(parse_now("23:59"), Selector{At{utc(2024, 6, 14, 23, 59)}});
    EXPECT_EQ(parse_now("2:30pm"), Selector{At{utc(2024, 6, 15, 14, 30)}});
    EXPECT_EQ(parse_now("2:45pm"), Selector{At{utc(2024, 6, 14, 14, 45)}});
}

TEST(ZiIdSyntax, AmPm) {
    EXPECT_EQ(parse_now("12:30am"), Selector{At{utc(2024, 6, 15, 0, 30)}});
    EXPECT_EQ(parse_now("12:30pm"), Selector{At{utc(2024, 6, 15, 12, 30)}});
    EXPECT_EQ(parse_now("1:15AM"), Selector{At{utc(2024, 6, 15, 1, 15)}});
    EXPECT_EQ(parse_now("11:59Pm"), Selector{At{utc(2024, 6, 14, 23, 59)}});
    EXPECT_EQ(parse_now("01:00pm"), Selector{At{utc(2024, 6, 15, 13, 0)}});
}

TEST(ZiIdSyntax, BadTimeOfDay) {
    for (const auto* text : {"25:00", "24:00", "13:00pm", "0:30am", "00:30pm", "10:60", "10:5",
                             "10:005", "123:00", "10:00xm", "10:00 am", "10:00a", "10:", "1:2:3"}) {
        expect_error(text, ErrorCode::zi_id_hh_mm_syntax);
    }
}

TEST(ZiIdSyntax, IsoDate) {
    EXPECT_EQ(parse_now("2024-01-15"), Selector{At{utc(2024, 1, 15)}});
    EXPECT_EQ(parse_now("2024-1-5"), Selector{At{utc(2024, 1, 5)}});
    EXPECT_EQ(parse_now("2024-01-15,08:45"), Selector{At{utc(2024, 1, 15, 8, 45)}});
    EXPECT_EQ(parse_now("2024-01-15,23:59"), Selector{At{utc(2024, 1, 15, 23, 59)}});
}

TEST(ZiIdSyntax, BadIsoDate) {
    for (const auto* text :
         {"2024-02-30", "2024-13-01", "2024-00-10", "24-01-15", "02024-01-15", "2024-01-x",
          "2024-01-", "2024-01-15x", "2024-01-15-1", "1899-12-31", "2024-001-15"}) {
        expect_error(text, ErrorCode::zi_id_iso_date_syntax);
    }
    // The ISO form takes a 24-hour time only.
    expect_error("2024-01-15,8:45pm", ErrorCode::zi_id_hh_mm_syntax);
    expect_error("2024-01-15,24:00", ErrorCode::zi_id_hh_mm_syntax);
}

TEST(ZiIdSyntax, LocalTimeUsesTheOffset) {
    const auto east = 10h; // local time is 00:30 on Sunday 16 June
    EXPECT_EQ(parse("2024-01-15,10:00", now, east), Selector{At{utc(2024, 1, 15)}});
    EXPECT_EQ(parse("15/01/2024", now, east), Selector{At{utc(2024, 1, 14, 14, 0)}});
    EXPECT_EQ(parse("00:15", now, east), Selector{At{utc(2024, 6, 15, 14, 15)}});
    EXPECT_EQ(parse("01:00", now, east), Selector{At{utc(2024, 6, 14, 15, 0)}});
    EXPECT_EQ(parse("16/06", now, east), Selector{At{utc(2024, 6, 15, 14, 0)}});

    const auto west = -5h; // local time is 09:30 on Saturday 15 June
    EXPECT_EQ(parse("10:00", now, west), Selector{At{utc(2024, 6, 14, 15, 0)}});
    EXPECT_EQ(parse("9:00", now, west), Selector{At{utc(2024, 6, 15, 14, 0)}});
    EXPECT_EQ(parse("15/06", now, west), Selector{At{utc(2024, 6, 15, 5, 0)}});

    // Ages do not depend on the offset.
    EXPECT_EQ(parse("@2h", now, east), parse_now("@2h"));
}

TEST(ZiIdSyntax, DefaultOffsetIsUtc) {
    EXPECT_EQ(parse("12:00", now), parse("12:00", now, 0min));
    EXPECT_EQ(parse("12:00", now), Selector{At{utc(2024, 6, 15, 12, 0)}});
}

// ZIs 10..14; 11 and 12 share a ctime, so id orders them.
const std::vector<ZiRef> zis = {
    {13, utc(2024, 6, 3)}, {10, utc(2024, 6, 1)}, {12, utc(2024, 6, 2)},
    {11, utc(2024, 6, 2)}, {14, utc(2024, 6, 4)},
};

TEST(ZiIdResolve, AllIsNewestFirst) {
    EXPECT_EQ(resolve(All{}, zis, 12), (Ids{14, 13, 12, 11, 10}));
    EXPECT_EQ(resolve(All{}, zis, std::nullopt), (Ids{14, 13, 12, 11, 10}));
    EXPECT_EQ(resolve(All{}, {}, std::nullopt), Ids{});
}

TEST(ZiIdResolve, Id) {
    EXPECT_EQ(resolve(Id{12}, zis, std::nullopt), Ids{12});
    EXPECT_EQ(resolve(Id{99}, zis, 12), Ids{});
}

TEST(ZiIdResolve, PublishedSteps) {
    EXPECT_EQ(resolve(Published{0}, zis, 12), Ids{12});
    EXPECT_EQ(resolve(Published{-1}, zis, 12), Ids{11});
    EXPECT_EQ(resolve(Published{-2}, zis, 12), Ids{10});
    EXPECT_EQ(resolve(Published{1}, zis, 12), Ids{13});
    EXPECT_EQ(resolve(Published{2}, zis, 12), Ids{14});
    EXPECT_EQ(resolve(Published{1}, zis, 11), Ids{12}); // tie in ctime: by id
}

TEST(ZiIdResolve, PublishedPastTheEndsIsEmpty) {
    EXPECT_EQ(resolve(Published{-3}, zis, 12), Ids{});
    EXPECT_EQ(resolve(Published{3}, zis, 12), Ids{});
    EXPECT_EQ(resolve(Published{-1}, zis, 10), Ids{});
    EXPECT_EQ(resolve(Published{1}, zis, 14), Ids{});
}

TEST(ZiIdResolve, NoPublishedZiIsEmpty) {
    EXPECT_EQ(resolve(Published{0}, zis, std::nullopt), Ids{});
    EXPECT_EQ(resolve(Published{0}, zis, 99), Ids{});
}

TEST(ZiIdResolve, RelativeSteps) {
    EXPECT_EQ(resolve(Relative{14, -4}, zis, std::nullopt), Ids{10});
    EXPECT_EQ(resolve(Relative{10, 4}, zis, std::nullopt), Ids{14});
    EXPECT_EQ(resolve(Relative{11, 1}, zis, std::nullopt), Ids{12});
    EXPECT_EQ(resolve(Relative{12, -1}, zis, std::nullopt), Ids{11});
    EXPECT_EQ(resolve(Relative{13, 0}, zis, std::nullopt), Ids{13});
}

TEST(ZiIdResolve, RelativePastTheEndsIsEmpty) {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    EXPECT_EQ(resolve(Relative{14, -5}, zis, std::nullopt), Ids{});
    EXPECT_EQ(resolve(Relative{10, 5}, zis, std::nullopt), Ids{});
    EXPECT_EQ(resolve(Relative{12, max}, zis, std::nullopt), Ids{});
    EXPECT_EQ(resolve(Relative{12, min}, zis, std::nullopt), Ids{});
    EXPECT_EQ(resolve(Relative{99, 0}, zis, std::nullopt), Ids{});
}

TEST(ZiIdResolve, AtPicksTheLatestAtOrBefore) {
    EXPECT_EQ(resolve(At{utc(2024, 6, 3)}, zis, std::nullopt), Ids{13}); // ctime equal: included
    EXPECT_EQ(resolve(At{utc(2024, 6, 3) - 1s}, zis, std::nullopt), Ids{12}); // tie: higher id
    EXPECT_EQ(resolve(At{utc(2030, 1, 1)}, zis, std::nullopt), Ids{14});
    EXPECT_EQ(resolve(At{utc(2024, 6, 1) - 1s}, zis, std::nullopt), Ids{});
    EXPECT_EQ(resolve(At{utc(2030, 1, 1)}, {}, std::nullopt), Ids{});
}

TEST(ZiIdResolve, AgePicksTheLatestOldEnough) {
    const auto at_time = utc(2024, 6, 4, 12, 0);
    EXPECT_EQ(resolve(parse("@1h", at_time), zis, std::nullopt), Ids{14});
    EXPECT_EQ(resolve(parse("@12h", at_time), zis, std::nullopt), Ids{14});
    EXPECT_EQ(resolve(parse("@13h", at_time), zis, std::nullopt), Ids{13});
    EXPECT_EQ(resolve(parse("@2", at_time), zis, std::nullopt), Ids{12});
    EXPECT_EQ(resolve(parse("@1w", at_time), zis, std::nullopt), Ids{});
}

TEST(ZiIdResolve, ParsedFormsEndToEnd) {
    const auto at_time = utc(2024, 6, 4, 12, 0);
    EXPECT_EQ(resolve(parse("^--", at_time), zis, 13), Ids{11});
    EXPECT_EQ(resolve(parse("11+", at_time), zis, 13), Ids{12});
    EXPECT_EQ(resolve(parse("02/06", at_time), zis, 13), Ids{12});
    EXPECT_EQ(resolve(parse("2024-06-03,11:59", at_time), zis, 13), Ids{13});
    EXPECT_EQ(resolve(parse("11:00", at_time), zis, 13), Ids{14});
    EXPECT_EQ(resolve(parse("*", at_time), zis, 13), (Ids{14, 13, 12, 11, 10}));
}

} // namespace
} // namespace dms::zi_id
