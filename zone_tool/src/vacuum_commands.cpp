// SPDX-License-Identifier: GPL-3.0-or-later
// Vacuum commands (REFERENCE.md 5.2, 7.9; docs/operations.md "Vacuum"): vacuum_event_queue,
// vacuum_zones, vacuum_zis, vacuum_pare_deleted_zone_zis, vacuum_audit (alias
// vacuum_syslog) and vacuum_all. Each asks first unless -f (vacuum_all never asks: it is
// the daily timer's); -v lists the zones destroyed; -b N sets the rows per transaction
// (default 1000); --json prints what each removed.
#include <charconv>
#include <functional>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/engine/vacuum.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

double days_arg(std::string_view text, std::string_view what) {
    double v = 0;
    const auto* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || v < 0) {
        throw Error(ErrorCode::usage,
                    fmt::format("{} '{}': a number of days (0 or more) was expected", what, text));
    }
    return v;
}

std::optional<double> age_arg(Args args, std::size_t i) {
    return args.size() > i ? std::optional(days_arg(args[i], "age")) : std::nullopt;
}

/// -b N: rows (zones) per transaction, default 1000.
engine::VacuumEngine vacuum(Context& ctx) {
    std::int64_t batch = 1000;
    if (ctx.flag('b')) {
        batch = id_arg(ctx.option('b'), "batch size (-b)");
    }
    return {ctx.session(), ctx.config(), engine::local_caller(), batch};
}

boost::json::object to_json(const engine::VacuumResult& r) {
    boost::json::array zones, queued;
    for (const auto& z : r.zones) {
        zones.emplace_back(z);
    }
    for (const auto& z : r.files_queued) {
        queued.emplace_back(z);
    }
    return {{"operation", r.operation}, {"what", r.what},       {"age_days", r.age_days},
            {"removed", r.removed},     {"batches", r.batches}, {"zones", zones},
            {"files_queued", queued},   {"note", r.note}};
}

void print(Context& ctx, const engine::VacuumResult& r) {
    auto& out = ctx.out();
    fmt::print(out, "{}: {} {} removed (older than {:g} days){}\n", r.operation, r.removed, r.what,
               r.age_days, r.note.empty() ? "" : "; " + r.note);
    if (!r.files_queued.empty()) {
        fmt::print(out,
                   "{}: zone files of {} zone(s) queued for removal; the next vacuum "
                   "destroys them\n",
                   r.operation, r.files_queued.size());
    }
    if (ctx.flag('v')) {
        for (const auto& z : r.zones) {
            fmt::print(out, "  destroyed {}\n", z);
        }
        for (const auto& z : r.files_queued) {
            fmt::print(out, "  files queued for removal {}\n", z);
        }
    }
}

ExitStatus report(Context& ctx, const std::vector<engine::VacuumResult>& results) {
    if (ctx.json) {
        boost::json::array a;
        for (const auto& r : results) {
            a.push_back(to_json(r));
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    for (const auto& r : results) {
        print(ctx, r);
    }
    return ExitStatus::ok;
}

/// A single vacuum: its age argument, "Delete <what> older than ...?", then `run`.
ExitStatus single(
    Context& ctx, Args args, std::string_view what,
    const std::function<engine::VacuumResult(engine::VacuumEngine&, std::optional<double>)>& run) {
    const auto age = age_arg(args, 0);
    if (!ctx.confirm(
            fmt::format("Delete {} older than {}?", what,
                        age ? fmt::format("{:g} days", *age) : std::string("zone_cfg's age")))) {
        return ExitStatus::temp_fail;
    }
    auto v = vacuum(ctx);
    return report(ctx, {run(v, age)});
}

ExitStatus vacuum_event_queue(Context& ctx, Args args) {
    return single(ctx, args, "processed events",
                  [](auto& v, auto age) { return v.event_queue(age); });
}

ExitStatus vacuum_zones(Context& ctx, Args args) {
    return single(ctx, args, "deleted zones (and nuked ones)",
                  [](auto& v, auto age) { return v.zones(age); });
}

ExitStatus vacuum_zis(Context& ctx, Args args) {
    std::optional<std::int64_t> max_num;
    if (args.size() > 1) {
        max_num = static_cast<std::int64_t>(days_arg(args[1], "max-num"));
        if (std::to_string(*max_num) != args[1]) {
            throw Error(ErrorCode::usage,
                        fmt::format("max-num '{}': a whole number was expected", args[1]));
        }
    }
    return single(ctx, args,
                  "zone instances beyond each zone's newest (neither published nor candidate)",
                  [&](auto& v, auto age) { return v.zis(age, max_num); });
}

ExitStatus vacuum_pare_deleted_zone_zis(Context& ctx, Args args) {
    return single(ctx, args, "the old zone instances of deleted zones",
                  [](auto& v, auto age) { return v.pare_deleted_zone_zis(age); });
}

ExitStatus vacuum_audit(Context& ctx, Args args) {
    return single(ctx, args, "audit rows (never younger than 30 days)",
                  [](auto& v, auto age) { return v.audit(age); });
}

ExitStatus vacuum_all(Context& ctx, Args) {
    return report(ctx, vacuum(ctx).all());
}

} // namespace

void add_vacuum_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"vacuum_event_queue", "[age-days]",
                 "delete processed events older than the age (default zone_cfg event_max_age)",
                 0, 1, "fv", "b", vacuum_event_queue});
    t.push_back({"vacuum_zones", "[age-days]",
                 "destroy zones deleted longer ago than the age (default zone_cfg zone_del_age; "
                 "0: only nuked zones); their zone files go first", 0, 1, "fv", "b",
                 vacuum_zones});
    t.push_back({"vacuum_zis", "[age-days] [max-num]",
                 "delete zone instances older than the age beyond each zone's newest max-num, "
                 "never the published or candidate one (zone_cfg zi_max_age, zi_max_num)", 0, 2,
                 "fv", "b", vacuum_zis});
    t.push_back({"vacuum_pare_deleted_zone_zis", "[age-days]",
                 "delete every zone instance but the published and candidate of zones deleted "
                 "longer ago than the age (zone_cfg zone_del_pare_age; 0: off)", 0, 1, "fv", "b",
                 vacuum_pare_deleted_zone_zis});
    t.push_back({"vacuum_audit", "[age-days]",
                 "delete audit rows older than the age (zone_cfg syslog_max_age), never younger "
                 "than 30 days", 0, 1, "fv", "b", vacuum_audit});
    t.push_back({"vacuum_syslog", "[age-days]", "the original's name of vacuum_audit", 0, 1,
                 "fv", "b", vacuum_audit});
    t.push_back({"vacuum_all", "",
                 "all five vacuums with zone_cfg's ages, without asking (the daily timer's); "
                 "refused on a standby", 0, 0, "fv", "b", vacuum_all});
    // clang-format on
}

} // namespace dms::zone_tool
