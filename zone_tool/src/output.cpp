// SPDX-License-Identifier: GPL-3.0-or-later
#include "output.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/core/process.hpp"

namespace dms::zone_tool {
namespace {

boost::json::value opt_time(std::optional<std::chrono::system_clock::time_point> t) {
    if (!t) {
        return nullptr;
    }
    return boost::json::value(format_time(t));
}

template <typename T>
boost::json::value opt(const std::optional<T>& v) {
    if (!v) {
        return nullptr;
    }
    return boost::json::value(*v);
}

void pretty(std::ostream& out, const boost::json::value& v, int indent) {
    const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    switch (v.kind()) {
    case boost::json::kind::object: {
        const auto& o = v.get_object();
        if (o.empty()) {
            out << "{}";
            return;
        }
        out << "{\n";
        std::size_t i = 0;
        for (const auto& kv : o) {
            out << pad << "  " << boost::json::serialize(boost::json::value(kv.key())) << ": ";
            pretty(out, kv.value(), indent + 1);
            out << (++i < o.size() ? ",\n" : "\n");
        }
        out << pad << "}";
        return;
    }
    case boost::json::kind::array: {
        const auto& a = v.get_array();
        if (a.empty()) {
            out << "[]";
            return;
        }
        out << "[\n";
        for (std::size_t i = 0; i < a.size(); ++i) {
            out << pad << "  ";
            pretty(out, a[i], indent + 1);
            out << (i + 1 < a.size() ? ",\n" : "\n");
        }
        out << pad << "]";
        return;
    }
    default:
        out << boost::json::serialize(v);
    }
}

} // namespace

std::int64_t id_arg(std::string_view text, std::string_view what) {
    std::int64_t v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v <= 0) {
        throw Error(ErrorCode::usage, fmt::format("{} '{}' is not a positive integer", what, text));
    }
    return v;
}

db::ZoneFilter zone_filter(Context& ctx, Args args) {
    db::ZoneFilter f;
    f.patterns.assign(args.begin(), args.end());
    for (auto& p : f.patterns) {
        if (!p.ends_with('.') && !p.ends_with('*')) {
            p += '.';
        }
        for (auto& c : p) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (ctx.flag('r') || !ctx.option('r').empty()) {
        f.reference = ctx.option('r');
    }
    if (!ctx.option('g').empty()) {
        f.sg_name = ctx.option('g');
    }
    f.exclude_disabled = ctx.flag('t');
    return f;
}

PrintHeader header_of(const engine::ZoneView& v) {
    return {v.zi.change_by, std::to_string(v.zi.id), format_time(v.zi.ctime),
            format_time(v.zi.mtime), format_time(v.zi.ptime)};
}

std::string format_time(std::optional<std::chrono::system_clock::time_point> t) {
    if (!t) {
        return {};
    }
    const std::time_t tt = std::chrono::system_clock::to_time_t(*t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& r : rows) {
        width.resize(std::max(width.size(), r.size()));
        for (std::size_t i = 0; i < r.size(); ++i) {
            width[i] = std::max(width[i], r[i].size());
        }
    }
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) {
                line += std::string(width[i] - r[i].size() + 2, ' ');
            }
        }
        out << line << '\n';
    }
}

ExitStatus print_list(Context& ctx, const std::vector<std::string>& items) {
    if (ctx.json) {
        boost::json::array a(items.begin(), items.end());
        print_json(ctx.out(), a);
        return ExitStatus::ok;
    }
    for (const auto& i : items) {
        ctx.out() << i << '\n';
    }
    return ExitStatus::ok;
}

void print_json(std::ostream& out, const boost::json::value& v) {
    pretty(out, v, 0);
    out << '\n';
}

boost::json::object to_json(const db::ZoneRecord& z) {
    return {{"zone_id", z.id},
            {"name", z.name},
            {"state", z.state},
            {"zone_type", z.zone_type},
            {"soa_serial", opt(z.soa_serial)},
            {"zi_id", opt(z.zi_id)},
            {"zi_candidate_id", opt(z.zi_candidate_id)},
            {"lock_state", z.lock_state},
            {"locked_by",
             z.locked_by.empty() ? boost::json::value(nullptr) : boost::json::value(z.locked_by)},
            {"locked_at", opt_time(z.locked_at)},
            {"edit_lock_token", opt(z.edit_lock_token)},
            {"use_apex_ns", z.use_apex_ns},
            {"edit_lock", z.edit_lock},
            {"auto_dnssec", z.auto_dnssec},
            {"nsec3", z.nsec3},
            {"inc_updates", z.inc_updates},
            {"zone_files", z.zone_files},
            {"sg_name", z.sg_name},
            {"alt_sg_name", z.alt_sg_name.empty() ? boost::json::value(nullptr)
                                                  : boost::json::value(z.alt_sg_name)},
            {"reference", z.reference},
            {"deleted_start", opt_time(z.deleted_start)},
            {"ctime", format_time(z.ctime)},
            {"mtime", format_time(z.mtime)}};
}

boost::json::object to_json(const db::ZiRecord& zi) {
    return {{"zi_id", zi.id},
            {"zone_id", zi.zone_id},
            {"soa_serial", zi.soa_serial},
            {"change_by", zi.change_by},
            {"ctime", format_time(zi.ctime)},
            {"mtime", format_time(zi.mtime)},
            {"ptime", opt_time(zi.ptime)}};
}

boost::json::object to_json(const db::EventRecord& e) {
    boost::json::value params = nullptr;
    boost::json::value results = nullptr;
    boost::system::error_code ec;
    if (!e.parameters.empty()) {
        params = boost::json::parse(e.parameters, ec);
    }
    if (!e.results.empty()) {
        results = boost::json::parse(e.results, ec);
    }
    return {{"event_id", e.id},
            {"event_type", e.event_type},
            {"state", e.state},
            {"zone",
             e.zone_name.empty() ? boost::json::value(nullptr) : boost::json::value(e.zone_name)},
            {"server", e.server_name.empty() ? boost::json::value(nullptr)
                                             : boost::json::value(e.server_name)},
            {"scheduled", format_time(e.scheduled)},
            {"created", format_time(e.created)},
            {"processed", opt_time(e.processed)},
            {"result_code", opt(e.result_code)},
            {"attempts", e.attempts},
            {"last_error", e.last_error},
            {"parameters", params},
            {"results", results}};
}

void print_fields(std::ostream& out, const boost::json::object& o) {
    std::size_t w = 0;
    for (const auto& kv : o) {
        w = std::max(w, kv.key().size());
    }
    for (const auto& kv : o) {
        std::string v;
        if (kv.value().is_string()) {
            v = kv.value().get_string().c_str();
        } else if (!kv.value().is_null()) {
            v = boost::json::serialize(kv.value());
        }
        fmt::print(out, "  {:<{}}  {}\n", std::string(kv.key()) + ":", w + 1, v);
    }
}

ExitStatus diff_texts(Context& ctx, const std::string& a, const std::string& a_label,
                      const std::string& b, const std::string& b_label) {
    const TempDirectory dir("zone_tool-diff.");
    const std::string fa = dir.file("a");
    const std::string fb = dir.file("b");
    std::ofstream(fa) << a;
    std::ofstream(fb) << b;
    const std::vector<std::string> argv{"diff",    "-uNw",  "--label", a_label,
                                        "--label", b_label, fa,        fb};
    // The whole diff: run_process keeps 16 MB of output unless told otherwise, and a
    // diff of big zones is longer than that.
    RunOptions options;
    options.max_output = std::numeric_limits<std::size_t>::max();
    const auto r = run_process(argv, options);
    if (r.exit_code > 1 || r.timed_out || r.truncated) {
        throw Error(ErrorCode::io, describe_failure(argv, r));
    }
    // On a terminal: additions green, removals red, hunk headers cyan.
    if (isatty(STDOUT_FILENO) == 0 || std::getenv("NO_COLOR") != nullptr) {
        ctx.out() << r.out;
        return ExitStatus::ok;
    }
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        const char* colour = line.starts_with("+++") || line.starts_with("---") ? "\033[1m"
                             : line.starts_with('+')                            ? "\033[32m"
                             : line.starts_with('-')                            ? "\033[31m"
                             : line.starts_with("@@")                           ? "\033[36m"
                                                                                : nullptr;
        if (colour != nullptr) {
            ctx.out() << colour << line << "\033[0m\n";
        } else {
            ctx.out() << line << '\n';
        }
    }
    return ExitStatus::ok;
}

} // namespace dms::zone_tool
