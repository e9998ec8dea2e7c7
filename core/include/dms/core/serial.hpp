// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// SOA serial arithmetic (RFC 1982) and the choice of the next serial on publish
// (REFERENCE.md 7.3). Pure functions: no clock except date_serial_now(), no I/O.
//
//   current                          max_update = current + 2^31-1
//      |<------------- window: strictly ahead of current ------------->|
//      |        base (current, or the published serial if ahead)       |
//      |          |<----- result: candidate if here, else base+1 ----->|
//
// Serial 0 is never issued (see next_serial). Errors are dms::Error with the
// soa_serial_* codes of error.hpp. Every function is thread safe.

#include <chrono>
#include <cstdint>
#include <optional>

namespace dms::serial {

using Serial = std::uint32_t;

/// Largest increment RFC 1982 allows in one step: 2^31 - 1.
inline constexpr std::uint32_t max_increment = 2147483647U;

/// RFC 1982 "a is greater than b": the distance a - b (mod 2^32) lies in (0, 2^31).
/// A distance of exactly 2^31 is undefined: then neither gt(a, b) nor lt(a, b).
/// Never throws.
bool gt(Serial a, Serial b) noexcept;

/// RFC 1982 "a is less than b", i.e. gt(b, a). Never throws.
bool lt(Serial a, Serial b) noexcept;

/// RFC 1982 serial addition: s + n (mod 2^32). 0 is a possible result.
/// @param s  the serial
/// @param n  increment, at most max_increment
/// @returns  the sum modulo 2^32
/// @throws std::invalid_argument if n > max_increment
Serial add(Serial s, std::uint32_t n);

/// The furthest serial a zone serving `current` may move to: current + 2^31-1 (mod 2^32).
/// Never throws.
Serial max_update(Serial current) noexcept;

/// The date serial YYYYMMDD00 of a day.
/// @param day  the day, in UTC (the original used local time, which made serials jump
///             back or forth around midnight depending on the daemon's time zone)
/// @returns    e.g. 2026112300 for 2026-11-23
/// @throws dms::Error(soa_serial_range) if the year is outside 0..4294 (no 32-bit serial)
Serial date_serial(std::chrono::sys_days day);

/// date_serial() of today in UTC, from std::chrono::system_clock.
/// @throws dms::Error(soa_serial_range) as date_serial()
Serial date_serial_now();

/// Everything next_serial() needs to choose a serial.
struct SerialRequest {
    enum class Mode {
        date,      ///< candidate is date_serial(today)
        candidate, ///< candidate is the operator's value (poke_zone_set_serial)
        wrap,      ///< candidate is the end of the window (poke_zone_wrap_serial)
    };
    Serial current = 0;              ///< the serial named serves now
    std::optional<Serial> published; ///< the serial dms last published (database), if any
    Mode mode = Mode::date;
    Serial candidate = 0;          ///< the operator's serial, Mode::candidate only
    std::chrono::sys_days today{}; ///< the UTC day, Mode::date only
};

/// The serial to publish next (REFERENCE.md 7.3). With W = 2^31-1:
/// - base is `published` if gt(published, current), else `current` (the database may know
///   a newer serial than named after a disaster recovery);
/// - the candidate is date_serial(today), the operator's value, or for wrap the last
///   usable serial of the window (max_update, or 4294967295 when max_update is 0);
/// - the result is the candidate if it is not 0, gt(candidate, base) and not beyond
///   max_update; else base + 1, where 4294967295 + 1 gives 1 (0 is skipped).
/// The result is always non-zero, strictly ahead of current and of base, and not beyond
/// max_update(current).
/// @param request  current/published serials, mode and candidate
/// @returns        the new serial
/// @throws dms::Error(soa_serial_occlusion) if published == max_update(current), or if
///         published is 4294967295 and max_update(current) is 0 (the only serial left
///         ahead of it would be 0): no serial is ahead of published inside the window
/// @throws dms::Error(soa_serial_published) if the result equals published (a guard: the
///         base rule above makes it unreachable)
Serial next_serial(const SerialRequest& request);

/// Whether next_serial() took the request's candidate (date serial, operator's value or
/// wrap target) rather than base + 1. poke_zone_set_serial raises
/// soa_serial_candidate_ignored when this is false for Mode::candidate.
/// @param request  the request given to next_serial()
/// @param result   what next_serial(request) returned
/// @throws dms::Error(soa_serial_range) as date_serial(), in Mode::date only
bool candidate_used(const SerialRequest& request, Serial result);

/// Checks a serial given by an operator.
/// @param value  the value as parsed (wider than Serial so that too large values show)
/// @throws dms::Error(soa_serial_range) unless 1 <= value <= 4294967295
void check_range(std::uint64_t value);

} // namespace dms::serial
