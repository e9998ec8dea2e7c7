// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The zi-id syntax (REFERENCE.md 7.5): the operator's way to name a zone instance (ZI).
//
// Two pure steps. parse() turns the text into a Selector; every form that depends on the
// clock (@N, dates, times of day) is turned into an absolute instant there, so resolve()
// needs no clock. resolve() picks ZI ids from a list of (id, ctime) pairs.
//
//   text            Selector                  selects
//   *  0            All                       every ZI, newest first
//   123             Id{123}                   ZI 123
//   ^  ^- ^-- ^-3   Published{0, -1, -2, -3}  published ZI, or N steps older by ctime
//   ^+ ^++ ^+3      Published{1, 2, 3}        N steps newer than the published ZI
//   123-2 123+ ...  Relative{123, -2}, ...    N steps older/newer than ZI 123
//   @N[s|m|h|d|w]   Age{N units, now - N}     latest ZI created at least N units ago
//   dates, times    At{instant}               latest ZI created at or before the instant
//
// Relative forms accept a run of one sign ('^---' is three steps older) or the sign and a
// number. A bare @N counts days. Units are lower-case.
//
// Dates and times are local times in the caller's zone, given as an offset from UTC:
//   DD/MM/YYYY[,hh:mm[am|pm]]  DD/MM/YY[,...]  (YY 70-99 -> 19YY, 00-69 -> 20YY)
//   YYYY-MM-DD[,hh:mm]         24-hour time only
//   DD/MM                      the latest such day not after today (29/02: the last leap day)
//   hh:mm[am|pm]               today, or yesterday if that time is still to come
// A date without a time means 00:00 of that day. Day, month and hour take one or two digits,
// minutes exactly two; am/pm are either case and need an hour 1-12 (12am = 00, 12pm = 12).
// Years run from 1900 to 2199.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace dms::zi_id {

using TimePoint = std::chrono::system_clock::time_point;

/// `*` or `0`: every ZI.
struct All {
    bool operator==(const All&) const = default;
};

/// An integer id.
struct Id {
    std::int64_t id;
    bool operator==(const Id&) const = default;
};

/// `^...`: the published ZI moved by `steps` (negative older, positive newer).
struct Published {
    std::int64_t steps;
    bool operator==(const Published&) const = default;
};

/// `<id>-N`, `<id>+N`, `<id>-`, `<id>++`, ...: ZI `id` moved by `steps`.
struct Relative {
    std::int64_t id;
    std::int64_t steps;
    bool operator==(const Relative&) const = default;
};

/// `@N[unit]`: the latest ZI created at or before `cutoff` (= now - `amount`).
struct Age {
    std::chrono::seconds amount;
    TimePoint cutoff;
    bool operator==(const Age&) const = default;
};

/// A date or time form: the latest ZI created at or before `instant`.
struct At {
    TimePoint instant;
    bool operator==(const At&) const = default;
};

using Selector = std::variant<All, Id, Published, Relative, Age, At>;

/// Parses a zi-id.
/// @param text        the operator's text, e.g. "^-", "1234+2", "@3h", "25/12/2023,9:30pm"
/// @param now         the current time; @N, dates and times are made absolute against it
/// @param utc_offset  offset of the operator's local time from UTC (east positive); 0 = UTC
/// @returns the selector; never touches the clock or the database
/// @throws dms::Error with the most specific code: zi_id_adj_string_syntax (^, +, -
///         adjustments), zi_id_time_amount_syntax / zi_id_time_unit_syntax (@N[unit]),
///         zi_id_hh_mm_syntax (any time of day), zi_id_dd_slash_mm_syntax (DD/MM),
///         zi_id_dd_mm_yyyy_syntax (DD/MM/YYYY), zi_id_iso_date_syntax (YYYY-MM-DD),
///         zi_id_syntax (anything else). The message quotes the text.
Selector parse(std::string_view text, TimePoint now,
               std::chrono::minutes utc_offset = std::chrono::minutes{0});

/// One zone instance as resolve() sees it.
struct ZiRef {
    std::int64_t id;
    TimePoint ctime;
};

/// Picks the ZIs a selector names. ZIs are ordered by (ctime, id); steps walk that order.
/// @param selector      from parse()
/// @param zis           the zone's instances, any order, ids unique
/// @param published_id  the zone's published ZI, if any
/// @returns All: every id, newest first. Otherwise one id, or an empty vector when nothing
///          matches: unknown id, no or unknown published ZI, a step past either end, no ZI
///          old enough. Empty means "not found"; the caller raises ZiNotFound.
/// @throws nothing but std::bad_alloc
std::vector<std::int64_t> resolve(const Selector& selector, std::span<const ZiRef> zis,
                                  std::optional<std::int64_t> published_id);

} // namespace dms::zi_id
