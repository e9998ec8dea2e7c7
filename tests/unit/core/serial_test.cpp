// SPDX-License-Identifier: GPL-3.0-or-later
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/core/serial.hpp"

namespace dms::serial {
namespace {

using namespace std::chrono;
using Mode = SerialRequest::Mode;

constexpr Serial top = 4294967295U;  // 2^32 - 1
constexpr Serial half = 2147483648U; // 2^31
constexpr Serial w = 2147483647U;    // 2^31 - 1

constexpr sys_days nov23 = sys_days{year{2026} / November / 23};

// The code of the dms::Error f throws, or nullopt if it throws none.
template <typename F>
std::optional<ErrorCode> error_code_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    return std::nullopt;
}

SerialRequest on_date(Serial current, std::optional<Serial> published, sys_days today = nov23) {
    return SerialRequest{.current = current, .published = published, .today = today};
}

SerialRequest with_candidate(Serial current, std::optional<Serial> published, Serial candidate) {
    return SerialRequest{.current = current,
                         .published = published,
                         .mode = Mode::candidate,
                         .candidate = candidate};
}

SerialRequest wrapping(Serial current, std::optional<Serial> published) {
    return SerialRequest{.current = current, .published = published, .mode = Mode::wrap};
}

// ---------------------------------------------------------------------------------------
// RFC 1982 comparison and addition

TEST(SerialArithmetic, GreaterThanWithinHalfTheSpace) {
    EXPECT_TRUE(gt(1, 0));
    EXPECT_TRUE(gt(2026112301, 2026112300));
    EXPECT_TRUE(gt(w, 0)); // the largest defined distance
    EXPECT_TRUE(gt(half, 1));
    EXPECT_FALSE(gt(0, 1));
    EXPECT_FALSE(gt(2026112300, 2026112301));
}

TEST(SerialArithmetic, GreaterThanAcrossTheWrap) {
    EXPECT_TRUE(gt(0, top));
    EXPECT_TRUE(gt(1, top));
    EXPECT_TRUE(gt(1000000000, 4000000000U)); // 1294967296 ahead
    EXPECT_TRUE(lt(top, 1));
    EXPECT_TRUE(lt(4000000000U, 1000000000));
    // 2026112300 - 4000000000 = 2321079596 (mod 2^32) > 2^31: behind, not ahead.
    EXPECT_TRUE(gt(4000000000U, 2026112300));
    EXPECT_FALSE(gt(2026112300, 4000000000U));
    EXPECT_FALSE(gt(top, 1));
    EXPECT_FALSE(lt(1, top));
    // Numerically larger but more than 2^31 ahead: RFC 1982 says it is behind.
    EXPECT_FALSE(gt(half + 1, 0));
    EXPECT_TRUE(lt(half + 1, 0));
}

TEST(SerialArithmetic, NoSerialIsAheadOfItself) {
    for (Serial s : {Serial{0}, Serial{1}, w, half, top, Serial{2026112300}}) {
        EXPECT_FALSE(gt(s, s)) << s;
        EXPECT_FALSE(lt(s, s)) << s;
    }
}

TEST(SerialArithmetic, DistanceOfHalfTheSpaceIsUndefined) {
    const std::array<std::array<Serial, 2>, 4> pairs{
        {{half, 0}, {0, half}, {top, w}, {1, half + 1}}};
    for (const auto& [a, b] : pairs) {
        EXPECT_FALSE(gt(a, b)) << a << " " << b;
        EXPECT_FALSE(lt(a, b)) << a << " " << b;
    }
}

TEST(SerialArithmetic, AddWrapsModulo2To32) {
    EXPECT_EQ(add(0, 0), 0U);
    EXPECT_EQ(add(2026112300, 1), 2026112301U);
    EXPECT_EQ(add(top, 1), 0U);
    EXPECT_EQ(add(top, 2), 1U);
    EXPECT_EQ(add(10, w), 2147483657U);
    EXPECT_EQ(add(top, w), w - 1);
    EXPECT_EQ(add(half + 1, w), 0U);
}

TEST(SerialArithmetic, AddRefusesIncrementsBeyond2To31Minus1) {
    EXPECT_EQ(max_increment, w);
    EXPECT_NO_THROW(add(5, w));
    EXPECT_THROW(add(5, half), std::invalid_argument);
    EXPECT_THROW(add(0, top), std::invalid_argument);
}

TEST(SerialArithmetic, MaxUpdateIsTheLastSerialAhead) {
    EXPECT_EQ(max_update(0), w);
    EXPECT_EQ(max_update(2026112300), 4173595947U);
    EXPECT_EQ(max_update(half + 1), 0U);
    EXPECT_EQ(max_update(top), w - 1);
    for (Serial s : {Serial{0}, Serial{7}, half, top, Serial{2026112300}}) {
        EXPECT_TRUE(gt(max_update(s), s)) << s;
        EXPECT_FALSE(gt(max_update(s) + 1, s)) << s;
    }
}

TEST(SerialArithmetic, PropertiesOfComparisonAndAddition) {
    std::mt19937 rng(1982);
    std::uniform_int_distribution<std::uint32_t> step(1, w);
    for (int i = 0; i < 200000; ++i) {
        const Serial a = rng();
        const Serial b = (i % 4 == 0) ? a + half : rng(); // make undefined pairs common
        ASSERT_EQ(gt(a, b), lt(b, a)) << a << " " << b;
        ASSERT_FALSE(gt(a, b) && lt(a, b)) << a << " " << b;
        const bool defined = a != b && static_cast<Serial>(a - b) != half;
        ASSERT_EQ(gt(a, b) || lt(a, b), defined) << a << " " << b;
        const std::uint32_t n = step(rng);
        ASSERT_TRUE(gt(add(a, n), a)) << a << " + " << n;
        ASSERT_EQ(static_cast<std::uint64_t>(add(a, n)), (std::uint64_t{a} + n) % (1ULL << 32));
    }
}

// ---------------------------------------------------------------------------------------
// Date serials

TEST(SerialArithmetic, DateSerialIsYyyymmdd00) {
    EXPECT_EQ(date_serial(nov23), 2026112300U);
    EXPECT_EQ(date_serial(sys_days{year{1970} / January / 1}), 1970010100U);
    EXPECT_EQ(date_serial(sys_days{year{2000} / February / 29}), 2000022900U);
    EXPECT_EQ(date_serial(sys_days{year{2024} / December / 31}), 2024123100U);
    EXPECT_EQ(date_serial(sys_days{year{2099} / December / 31}), 2099123100U);
    EXPECT_EQ(date_serial(sys_days{year{4294} / December / 31}), 4294123100U);
}

TEST(SerialArithmetic, DateSerialRefusesYearsThatDoNotFit) {
    EXPECT_EQ(error_code_of([] { date_serial(sys_days{year{4295} / January / 1}); }),
              ErrorCode::soa_serial_range);
    EXPECT_EQ(error_code_of([] { date_serial(sys_days{year{-1} / December / 31}); }),
              ErrorCode::soa_serial_range);
}

// The UTC date as the C library computes it; nullopt if midnight passed meanwhile.
std::optional<Serial> utc_date_serial_around(Serial& got) {
    const std::time_t before = std::time(nullptr);
    got = date_serial_now();
    const std::time_t after = std::time(nullptr);
    std::tm tm_before{};
    std::tm tm_after{};
    gmtime_r(&before, &tm_before);
    gmtime_r(&after, &tm_after);
    if (tm_before.tm_yday != tm_after.tm_yday) {
        return std::nullopt;
    }
    return static_cast<Serial>((tm_before.tm_year + 1900) * 1000000 +
                               (tm_before.tm_mon + 1) * 10000 + tm_before.tm_mday * 100);
}

TEST(SerialArithmetic, DateSerialNowIsUtcWhateverTheTimeZone) {
    const char* saved = std::getenv("TZ");
    const std::optional<std::string> saved_tz =
        saved ? std::optional<std::string>(saved) : std::nullopt;
    // UTC+14 and UTC-12: at every hour of the day one of them is on another date than UTC,
    // so a local-time implementation fails here.
    for (const char* tz : {"XXX-14", "YYY+12"}) {
        ::setenv("TZ", tz, 1);
        ::tzset();
        Serial got = 0;
        std::optional<Serial> expected;
        for (int attempt = 0; attempt < 3 && !expected; ++attempt) {
            expected = utc_date_serial_around(got);
        }
        ASSERT_TRUE(expected.has_value());
        EXPECT_EQ(got, *expected) << "TZ=" << tz;
    }
    if (saved_tz) {
        ::setenv("TZ", saved_tz->c_str(), 1);
    } else {
        ::unsetenv("TZ");
    }
    ::tzset();
}

// ---------------------------------------------------------------------------------------
// next_serial: ordinary publishing in date mode

TEST(SerialArithmetic, FirstChangeOfTheDayTakesTheDateSerial) {
    const auto request = on_date(2026112005, 2026112005);
    EXPECT_EQ(next_serial(request), 2026112300U);
    EXPECT_TRUE(candidate_used(request, 2026112300));
}

TEST(SerialArithmetic, FirstPublishWithoutDatabaseSerial) {
    EXPECT_EQ(next_serial(on_date(1, std::nullopt)), 2026112300U);
    EXPECT_EQ(next_serial(on_date(0, std::nullopt)), 2026112300U);
}

TEST(SerialArithmetic, LaterChangesTheSameDayIncrement) {
    EXPECT_EQ(next_serial(on_date(2026112300, 2026112300)), 2026112301U);
    EXPECT_EQ(next_serial(on_date(2026112301, 2026112301)), 2026112302U);
    const auto request = on_date(2026112301, 2026112301);
    EXPECT_FALSE(candidate_used(request, next_serial(request)));
}

TEST(SerialArithmetic, HundredthChangeSpillsIntoTheNextDayAndStaysMonotonic) {
    EXPECT_EQ(next_serial(on_date(2026112399, 2026112399)), 2026112400U);
    const auto next_day = sys_days{year{2026} / November / 24};
    EXPECT_EQ(next_serial(on_date(2026112400, 2026112400, next_day)), 2026112401U);
}

TEST(SerialArithmetic, SerialAheadOfTodaysDateIncrements) {
    // Someone set a serial far in the future; dates do not go back.
    EXPECT_EQ(next_serial(on_date(2030010100, 2030010100)), 2030010101U);
}

TEST(SerialArithmetic, PublishedBehindNamedIsIgnored) {
    // named was bumped by hand past what dms published: named's serial is the base.
    EXPECT_EQ(next_serial(on_date(2026112310, 2026112300)), 2026112311U);
    EXPECT_EQ(next_serial(on_date(2026112005, 2026112001)), 2026112300U);
}

// ---------------------------------------------------------------------------------------
// next_serial: the operator's candidate (poke_zone_set_serial)

TEST(SerialArithmetic, CandidateAheadIsTaken) {
    const auto request = with_candidate(2026112300, 2026112300, 2026112350);
    EXPECT_EQ(next_serial(request), 2026112350U);
    EXPECT_TRUE(candidate_used(request, 2026112350));
}

TEST(SerialArithmetic, CandidateOneAheadIsTaken) {
    const auto request = with_candidate(2026112300, 2026112300, 2026112301);
    EXPECT_EQ(next_serial(request), 2026112301U);
    EXPECT_TRUE(candidate_used(request, 2026112301));
}

TEST(SerialArithmetic, CandidateBehindOrEqualIsIgnored) {
    for (Serial candidate : {Serial{2026112200}, Serial{2026112300}, Serial{1}}) {
        const auto request = with_candidate(2026112300, 2026112300, candidate);
        const Serial result = next_serial(request);
        EXPECT_EQ(result, 2026112301U) << candidate;
        EXPECT_FALSE(candidate_used(request, result)) << candidate;
    }
}

TEST(SerialArithmetic, CandidateAtMaxUpdateIsTakenOneFurtherIsNot) {
    const Serial current = 100;
    EXPECT_EQ(max_update(current), 2147483747U);
    EXPECT_EQ(next_serial(with_candidate(current, current, 2147483747U)), 2147483747U);
    // 2^31 ahead: undefined; 2^31 + 1 ahead: behind.
    EXPECT_EQ(next_serial(with_candidate(current, current, 2147483748U)), 101U);
    EXPECT_EQ(next_serial(with_candidate(current, current, 2147483749U)), 101U);
}

TEST(SerialArithmetic, CandidateAcrossTheWrapIsTaken) {
    EXPECT_EQ(next_serial(with_candidate(4000000000U, 4000000000U, 5)), 5U);
    EXPECT_EQ(next_serial(with_candidate(top, top, 1)), 1U);
}

TEST(SerialArithmetic, CandidateAheadOfPublishedButBeyondMaxUpdateIsIgnored) {
    const Serial current = 1000;
    const Serial published = 1000 + (1U << 30); // DR: the database is ahead of named
    const Serial beyond = max_update(current) + 5;
    ASSERT_TRUE(gt(beyond, published)); // ahead of the base, yet outside named's window
    EXPECT_EQ(next_serial(with_candidate(current, published, beyond)), published + 1);
    EXPECT_EQ(next_serial(with_candidate(current, published, max_update(current))),
              max_update(current));
}

TEST(SerialArithmetic, CandidateZeroIsNeverIssued) {
    const auto request = with_candidate(top, top, 0); // 0 is 1 ahead of 2^32-1
    const Serial result = next_serial(request);
    EXPECT_EQ(result, 1U);
    EXPECT_FALSE(candidate_used(request, result));
}

TEST(SerialArithmetic, CandidateUsedFollowsTheResult) {
    const auto request = with_candidate(50, 50, 60);
    EXPECT_TRUE(candidate_used(request, 60));
    EXPECT_FALSE(candidate_used(request, 51));
    const auto dated = on_date(50, 50);
    EXPECT_TRUE(candidate_used(dated, 2026112300));
    EXPECT_FALSE(candidate_used(dated, 51));
}

// ---------------------------------------------------------------------------------------
// next_serial: wrap mode (poke_zone_wrap_serial)

TEST(SerialArithmetic, WrapJumpsToMaxUpdate) {
    const auto request = wrapping(2026112300, 2026112300);
    EXPECT_EQ(next_serial(request), 4173595947U);
    EXPECT_TRUE(candidate_used(request, 4173595947U));
    EXPECT_EQ(next_serial(wrapping(top, top)), w - 1);
    EXPECT_EQ(next_serial(wrapping(0, std::nullopt)), w);
}

TEST(SerialArithmetic, WrapThenDateUpdateReturnsToDateFormat) {
    // 3000000000 is ahead of any date serial until the year 3000: dates cannot be reached.
    const Serial odd = 3000000000U;
    EXPECT_EQ(next_serial(on_date(odd, odd)), odd + 1);
    const Serial wrapped = next_serial(wrapping(odd, odd));
    EXPECT_EQ(wrapped, 852516351U);
    EXPECT_EQ(next_serial(on_date(wrapped, wrapped)), 2026112300U);
}

TEST(SerialArithmetic, WrapWhenMaxUpdateIsZeroStopsJustBeforeIt) {
    const Serial current = half + 1; // max_update(current) == 0
    const auto request = wrapping(current, current);
    EXPECT_EQ(next_serial(request), top);
    EXPECT_TRUE(candidate_used(request, top));
}

TEST(SerialArithmetic, WrapWithPublishedAheadStillEndsAtMaxUpdate) {
    EXPECT_EQ(next_serial(wrapping(1000, 5000)), max_update(1000));
}

// ---------------------------------------------------------------------------------------
// next_serial: database ahead of named (disaster recovery) and the errors

TEST(SerialArithmetic, PublishedAheadOfNamedIsTheBase) {
    // named restored from an old backup serves 2026112005; dms published 2026112302.
    EXPECT_EQ(next_serial(on_date(2026112005, 2026112302)), 2026112303U);
    EXPECT_EQ(next_serial(on_date(2026112005, 2026112200)), 2026112300U);
    EXPECT_EQ(next_serial(with_candidate(2026112005, 2026112302, 2026112302)), 2026112303U);
    EXPECT_EQ(next_serial(with_candidate(2026112005, 2026112302, 2026112310)), 2026112310U);
}

TEST(SerialArithmetic, PublishedJustBeforeMaxUpdateLeavesOneSerial) {
    const Serial current = 5;
    const Serial published = max_update(current) - 1;
    EXPECT_EQ(next_serial(on_date(current, published)), max_update(current));
    EXPECT_EQ(next_serial(with_candidate(current, published, 10)), max_update(current));
}

TEST(SerialArithmetic, PublishedHalfTheSpaceAwayIsNotTheBase) {
    // Distance 2^31 is undefined, so the published serial is not ahead of named.
    EXPECT_EQ(next_serial(on_date(5, 5 + half)), 2026112300U);
    EXPECT_EQ(next_serial(with_candidate(5, 5 + half, 3)), 6U);
}

TEST(SerialArithmetic, PublishedAtMaxUpdateIsOcclusion) {
    const Serial current = 5;
    const Serial published = max_update(current);
    for (const auto& request : {on_date(current, published), wrapping(current, published),
                                with_candidate(current, published, 7)}) {
        try {
            next_serial(request);
            ADD_FAILURE() << "no exception";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::soa_serial_occlusion);
            EXPECT_NE(std::string(e.what()).find("2147483652"), std::string::npos) << e.what();
        }
    }
    EXPECT_EQ(error_code_of([] { next_serial(on_date(half + 1, 0)); }),
              ErrorCode::soa_serial_occlusion);
}

TEST(SerialArithmetic, PublishedAtLastNonZeroSerialIsOcclusion) {
    // max_update is 0, which is never issued, so 2^32-1 is the end of the usable window.
    const Serial current = half + 1;
    EXPECT_EQ(error_code_of([&] { next_serial(on_date(current, top)); }),
              ErrorCode::soa_serial_occlusion);
    EXPECT_EQ(error_code_of([&] { next_serial(with_candidate(current, top, 1)); }),
              ErrorCode::soa_serial_occlusion);
    // One further back there is room.
    EXPECT_EQ(next_serial(on_date(current, top - 1)), top);
}

TEST(SerialArithmetic, ResultNeverEqualsPublished) {
    // Read literally ("0 becomes 1"), this request would yield 1 == published, which is
    // also 2^31 away from named. The wrap stops at 2^32-1 instead, so no error arises.
    const Serial current = half + 1;
    const auto request = wrapping(current, 1);
    EXPECT_EQ(error_code_of([&] { next_serial(request); }), std::nullopt);
    EXPECT_EQ(next_serial(request), top);
    EXPECT_EQ(next_serial(with_candidate(current, 1, 0)), current + 1);
}

// ---------------------------------------------------------------------------------------
// next_serial: serial 0 is skipped

TEST(SerialArithmetic, IncrementFromTopSkipsZero) {
    // current = 2^32-1, candidate equal to it: base + 1 would be 0, so 1 is issued.
    EXPECT_EQ(next_serial(with_candidate(top, top, top)), 1U);
    EXPECT_EQ(next_serial(with_candidate(top, std::nullopt, 3000000000U)), 1U);
    // A date candidate is ahead of 2^32-1 (across the wrap) and is taken.
    EXPECT_EQ(next_serial(on_date(top, top)), 2026112300U);
}

TEST(SerialArithmetic, IncrementFromPublishedTopSkipsZero) {
    EXPECT_EQ(next_serial(with_candidate(top - 10, top, 5)), 5U);
    EXPECT_EQ(next_serial(with_candidate(top - 10, top, top - 3)), 1U);
}

TEST(SerialArithmetic, CandidateOneWhenOneIsOutsideTheWindow) {
    const Serial current = half + 1; // 1 is exactly 2^31 ahead: undefined
    const auto request = with_candidate(current, current, 1);
    EXPECT_EQ(next_serial(request), current + 1);
    EXPECT_FALSE(candidate_used(request, current + 1));
}

// ---------------------------------------------------------------------------------------
// check_range

TEST(SerialArithmetic, CheckRangeAcceptsOneTo2To32Minus1) {
    EXPECT_NO_THROW(check_range(1));
    EXPECT_NO_THROW(check_range(2026112300));
    EXPECT_NO_THROW(check_range(top));
    for (std::uint64_t v :
         {std::uint64_t{0}, std::uint64_t{top} + 1, std::numeric_limits<std::uint64_t>::max()}) {
        EXPECT_EQ(error_code_of([v] { check_range(v); }), ErrorCode::soa_serial_range) << v;
    }
}

// ---------------------------------------------------------------------------------------
// Properties of next_serial over many random requests

// Values near which the rules change.
constexpr std::array<Serial, 10> edges{0, 1, 2, w - 1, w, half, half + 1, half + 2, top - 1, top};
constexpr std::array<Serial, 11> offsets{0,    1,        2,   w - 2,   w - 1, w,
                                         half, half + 1, top, top - 1, 1000};

Serial random_serial(std::mt19937& rng, Serial near) {
    switch (rng() % 4) {
    case 0:
        return rng();
    case 1:
        return near + offsets[rng() % offsets.size()];
    case 2:
        return edges[rng() % edges.size()];
    default:
        return 1970010100U + rng() % 300000000U; // date-like
    }
}

SerialRequest random_request(std::mt19937& rng) {
    SerialRequest request;
    request.current = rng() % 2 == 0 ? random_serial(rng, 0) : edges[rng() % edges.size()];
    if (rng() % 4 != 0) {
        request.published = random_serial(rng, request.current);
    }
    request.mode = static_cast<Mode>(rng() % 3);
    request.candidate =
        random_serial(rng, rng() % 2 == 0 ? request.current : request.published.value_or(0));
    request.today = sys_days{year{1970} / January / 1} + days{rng() % (365 * 300)};
    return request;
}

struct Coverage {
    int occluded = 0;
    int disaster_recovery = 0;
    int candidate_taken = 0;
    int incremented = 0;
    int zero_skipped = 0;
};

testing::AssertionResult holds_invariants(const SerialRequest& r, Coverage& seen) {
    const Serial last = max_update(r.current);
    const bool occluded =
        r.published && (*r.published == last || (*r.published == top && last == 0));
    const auto describe = [&] {
        return fmt::format("current={} published={} mode={} candidate={} date={}", r.current,
                           r.published ? std::to_string(*r.published) : "none",
                           static_cast<int>(r.mode), r.candidate, date_serial(r.today));
    };
    Serial result = 0;
    try {
        result = next_serial(r);
    } catch (const Error& e) {
        if (occluded && e.code() == ErrorCode::soa_serial_occlusion) {
            ++seen.occluded;
            return testing::AssertionSuccess();
        }
        return testing::AssertionFailure()
               << "unexpected " << e.info().name << " (" << e.what() << ") for " << describe();
    }
    if (occluded) {
        return testing::AssertionFailure() << "no occlusion error for " << describe();
    }
    const bool dr = r.published && gt(*r.published, r.current);
    const Serial base = dr ? *r.published : r.current;
    const Serial base_plus_one = base + 1 != 0 ? base + 1 : 1;
    Serial candidate = r.candidate;
    if (r.mode == Mode::date) {
        candidate = date_serial(r.today);
    } else if (r.mode == Mode::wrap) {
        candidate = last != 0 ? last : top;
    }
    const bool taken = candidate_used(r, result);

    std::string broken;
    if (result == 0) {
        broken = "result is 0";
    } else if (!gt(result, r.current)) {
        broken = "result not ahead of current";
    } else if (!(result == last || gt(last, result))) {
        broken = "result beyond max_update";
    } else if (!gt(result, base)) {
        broken = "result not ahead of base";
    } else if (r.published && result == *r.published) {
        broken = "result equals published";
    } else if (taken && result != candidate) {
        broken = "candidate_used but result is not the candidate";
    } else if (!taken && result != base_plus_one) {
        broken = "candidate not used but result is not base + 1";
    } else if (!taken && candidate != 0 && gt(candidate, base) &&
               (candidate == last || gt(last, candidate))) {
        broken = "usable candidate not taken";
    }
    if (!broken.empty()) {
        return testing::AssertionFailure()
               << broken << ": result=" << result << " for " << describe();
    }
    seen.disaster_recovery += dr ? 1 : 0;
    seen.candidate_taken += taken ? 1 : 0;
    seen.incremented += taken ? 0 : 1;
    seen.zero_skipped += !taken && base == top ? 1 : 0;
    return testing::AssertionSuccess();
}

TEST(SerialArithmetic, NextSerialInvariantsOnRandomRequests) {
    std::mt19937 rng(20261123);
    Coverage seen;
    for (int i = 0; i < 200000; ++i) {
        ASSERT_TRUE(holds_invariants(random_request(rng), seen)) << "iteration " << i;
    }
    // The generator must reach every branch, or the invariants prove little.
    EXPECT_GT(seen.occluded, 100);
    EXPECT_GT(seen.disaster_recovery, 1000);
    EXPECT_GT(seen.candidate_taken, 1000);
    EXPECT_GT(seen.incremented, 1000);
    EXPECT_GT(seen.zero_skipped, 10);
}

TEST(SerialArithmetic, RepeatedPublishingAlwaysMovesForward) {
    std::mt19937 rng(7);
    for (int chain = 0; chain < 200; ++chain) {
        SerialRequest r;
        r.current = rng();
        for (int i = 0; i < 1000; ++i) {
            r.mode = static_cast<Mode>(rng() % 3);
            r.candidate = rng();
            r.today = sys_days{year{2026} / January / 1} + days{i / 10};
            const Serial result = next_serial(r);
            ASSERT_TRUE(gt(result, r.current)) << r.current << " -> " << result;
            ASSERT_NE(result, 0U);
            r.current = result;
            r.published = result;
        }
    }
}

} // namespace
} // namespace dms::serial
