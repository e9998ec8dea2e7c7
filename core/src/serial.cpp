// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/serial.hpp"

#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "dms/core/error.hpp"

namespace dms::serial {
namespace {

constexpr Serial half = 2147483648U; // 2^31: the undefined RFC 1982 distance
constexpr Serial highest = std::numeric_limits<Serial>::max();

// The largest year whose YYYYMMDD00 still fits: 4294123100 <= 4294967295 < 4295010100.
constexpr int last_date_year = 4294;

bool within_window(Serial s, Serial current) {
    const Serial last = max_update(current);
    return s == last || gt(last, s);
}

// Wrap jumps as far as RFC 1982 allows. When that end is 0 (current == 2^31 + 1) the
// serial before it is the furthest one we may issue, because 0 is never issued.
Serial wrap_target(Serial current) {
    const Serial last = max_update(current);
    return last != 0 ? last : highest;
}

Serial candidate_value(const SerialRequest& request) {
    switch (request.mode) {
    case SerialRequest::Mode::date:
        return date_serial(request.today);
    case SerialRequest::Mode::candidate:
        return request.candidate;
    case SerialRequest::Mode::wrap:
        return wrap_target(request.current);
    }
    throw Error(ErrorCode::internal, "unknown SerialRequest::Mode");
}

// Serial 0 is legal in RFC 1982, but BIND and operators read 0 as "unset", and the
// original never issued it; stepping past 0 lands on 1.
Serial step(Serial s) {
    const Serial next = s + 1;
    return next != 0 ? next : 1;
}

} // namespace

bool gt(Serial a, Serial b) noexcept {
    const Serial distance = a - b; // unsigned: wraps modulo 2^32
    return distance != 0 && distance < half;
}

bool lt(Serial a, Serial b) noexcept {
    return gt(b, a);
}

Serial add(Serial s, std::uint32_t n) {
    if (n > max_increment) {
        throw std::invalid_argument(
            fmt::format("serial increment {} exceeds 2^31-1 (RFC 1982)", n));
    }
    return s + n;
}

Serial max_update(Serial current) noexcept {
    return current + max_increment;
}

Serial date_serial(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > last_date_year) {
        throw Error(ErrorCode::soa_serial_range,
                    fmt::format("year {} has no YYYYMMDD00 serial in 32 bits", year));
    }
    return static_cast<Serial>(year) * 1000000U +
           static_cast<Serial>(static_cast<unsigned>(ymd.month())) * 10000U +
           static_cast<Serial>(static_cast<unsigned>(ymd.day())) * 100U;
}

Serial date_serial_now() {
    // system_clock counts UTC (Unix time), so the day boundary is UTC midnight.
    return date_serial(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

Serial next_serial(const SerialRequest& request) {
    const Serial current = request.current;
    const Serial last = max_update(current);
    const auto& published = request.published;
    if (published && *published == last) {
        throw Error(ErrorCode::soa_serial_occlusion,
                    fmt::format("published serial {} is at the end of the window of named's "
                                "serial {}: no serial is left ahead of it",
                                *published, current));
    }
    if (published && *published == highest && last == 0) {
        throw Error(ErrorCode::soa_serial_occlusion,
                    fmt::format("published serial {} is the last usable serial of the window "
                                "of named's serial {}: only 0, which is never used, is ahead",
                                *published, current));
    }

    // Disaster recovery: named may serve an older copy than the one dms last published.
    const Serial base = published && gt(*published, current) ? *published : current;

    const Serial candidate = candidate_value(request);
    const Serial result = candidate != 0 && gt(candidate, base) && within_window(candidate, current)
                              ? candidate
                              : step(base);

    if (published && result == *published) {
        throw Error(ErrorCode::soa_serial_published,
                    fmt::format("new serial {} equals the published serial", result));
    }
    return result;
}

bool candidate_used(const SerialRequest& request, Serial result) {
    return result == candidate_value(request);
}

void check_range(std::uint64_t value) {
    if (value < 1 || value > highest) {
        throw Error(ErrorCode::soa_serial_range,
                    fmt::format("serial {} is outside 1..{}", value, highest));
    }
}

} // namespace dms::serial
