// SPDX-License-Identifier: GPL-3.0-or-later
// Event commands (REFERENCE.md 2.5): ls_pending_events, ls_failed_events, ls_events,
// show_event, fail_event.
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/engine/event_engine.hpp"

#include "output.hpp"

namespace dms::zone_tool {
namespace {

std::string message_of(const db::EventRecord& e) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(e.results, ec);
    if (!ec && v.is_object()) {
        if (const auto* m = v.as_object().if_contains("message"); m && m->is_string()) {
            return std::string(m->as_string());
        }
    }
    return {};
}

std::string subject_of(const db::EventRecord& e) {
    if (!e.zone_name.empty()) {
        return e.zone_name;
    }
    if (!e.server_name.empty()) {
        return e.server_name;
    }
    return e.master_id ? "master" : "-";
}

ExitStatus print_events(Context& ctx, const std::vector<db::EventRecord>& events, bool done) {
    if (ctx.json) {
        boost::json::array a;
        for (const auto& e : events) {
            a.push_back(to_json(e));
        }
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : events) {
        std::vector<std::string> r;
        if (ctx.flag('v')) {
            r = {std::to_string(e.id),     e.event_type,          subject_of(e), e.state,
                 format_time(e.scheduled), format_time(e.created)};
            if (done) {
                r.push_back(format_time(e.processed));
                r.push_back(message_of(e));
            } else if (e.attempts > 0) {
                r.push_back(fmt::format("attempt {}: {}", e.attempts, e.last_error));
            }
        } else if (done) {
            r = {e.event_type, subject_of(e), format_time(e.processed), e.state, message_of(e)};
        } else {
            r = {e.event_type, subject_of(e), format_time(e.scheduled),
                 e.attempts > 0 ? fmt::format("retry {}", e.attempts) : ""};
        }
        rows.push_back(std::move(r));
    }
    print_table(ctx.out(), rows);
    return ExitStatus::ok;
}

std::size_t limit_arg(Context& ctx, Args args) {
    if (args.empty()) {
        return static_cast<std::size_t>(ctx.config().number("list_events_last_limit"));
    }
    return static_cast<std::size_t>(id_arg(args[0], "number of events"));
}

engine::EventEngine events(Context& ctx) {
    return engine::EventEngine(ctx.session(), ctx.config(), engine::local_caller());
}

ExitStatus ls_pending_events(Context& ctx, Args /*args*/) {
    return print_events(ctx, events(ctx).pending(), false);
}

ExitStatus ls_failed_events(Context& ctx, Args args) {
    return print_events(ctx, events(ctx).recent(limit_arg(ctx, args), true), true);
}

ExitStatus ls_events(Context& ctx, Args args) {
    return print_events(ctx, events(ctx).recent(limit_arg(ctx, args), false), true);
}

ExitStatus show_event(Context& ctx, Args args) {
    const auto e = events(ctx).show(id_arg(args[0], "event id"));
    if (ctx.json) {
        print_json(ctx.out(), to_json(e));
        return ExitStatus::ok;
    }
    auto o = to_json(e);
    o["worker"] = e.claimed_by;
    print_fields(ctx.out(), o);
    return ExitStatus::ok;
}

ExitStatus fail_event(Context& ctx, Args args) {
    const auto id = id_arg(args[0], "event id");
    auto ev = events(ctx);
    const auto e = ev.show(id);
    if (!ctx.confirm(fmt::format("Fail event {} ({} {})?", id, e.event_type, subject_of(e)))) {
        return ExitStatus::temp_fail;
    }
    ev.fail(id);
    fmt::print(ctx.out(), "event {} ({} {}) failed\n", id, e.event_type, subject_of(e));
    return ExitStatus::ok;
}

} // namespace

void add_event_commands(std::vector<Command>& t) {
    // clang-format off
    t.push_back({"ls_pending_events", "[-v]",
                 "list events not yet processed (-v: ids, states, retries and their errors)",
                 0, 0, "v", "", ls_pending_events});
    t.push_back({"ls_failed_events", "[-v] [n]",
                 "the last n FAILED events (default list_events_last_limit)", 0, 1, "v", "",
                 ls_failed_events});
    t.push_back({"ls_events", "[-v] [n]", "the last n processed events, any state", 0, 1, "v",
                 "", ls_events});
    t.push_back({"show_event", "<event-id>", "every field of an event", 1, 1, "", "",
                 show_event});
    t.push_back({"fail_event", "[-f] <event-id>", "fail a pending event (asks first)", 1, 1,
                 "f", "", fail_event});
    // clang-format on
}

} // namespace dms::zone_tool
