// SPDX-License-Identifier: GPL-3.0-or-later
// The fault soak (bench/soak.sh runs it): a private PostgreSQL, a master named, slaves
// and dmsd on 127.0.0.1; clients save zone changes while faults are injected; then the
// time to converge and whether every zone serves its last saved content everywhere.
// See tests/support/soak.hpp for what is done and checked.
//
//   soak_bench [--seed N] [--zones N] [--changes N] [--clients N] [--slaves N]
//              [--faults MIN:MAX] [--kinds K,K...] [--down MIN:MAX] [--gap MIN:MAX]
//              [--pause MS]
//              [--deadline S] [--stall S] [--log-level L] [--keep-logs DIR]
// --faults: each kind of fault at least MIN and at most MAX times; --kinds: only these
// (dmsd, named, postgresql, slave1, slave2, ...; default all); --down and --gap in
// milliseconds; --stall: give up waiting when nothing changed for S seconds (0: never).
// Exit 0 when every check passed, 1 when one failed, 64 on bad arguments.
#include "soak.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace {

using std::chrono::milliseconds;

void range(const std::string& text, milliseconds& lo, milliseconds& hi) {
    const auto colon = text.find(':');
    if (colon == std::string::npos) {
        throw std::invalid_argument("expected MIN:MAX, got " + text);
    }
    lo = milliseconds(std::stol(text.substr(0, colon)));
    hi = milliseconds(std::stol(text.substr(colon + 1)));
    if (lo.count() < 0 || hi < lo) {
        throw std::invalid_argument("bad range " + text);
    }
}

dms::test::soak::Options parse(const std::vector<std::string>& a) {
    dms::test::soak::Options o;
    o.seed = dms::test::soak::random_seed();
    o.keep_logs_dir = "";
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto& k = a[i];
        if (i + 1 >= a.size()) {
            throw std::invalid_argument(k + " needs a value");
        }
        const auto& v = a[++i];
        if (k == "--seed") {
            o.seed = std::stoull(v);
        } else if (k == "--zones") {
            o.zones = std::stoi(v);
        } else if (k == "--changes") {
            o.changes = std::stoi(v);
        } else if (k == "--clients") {
            o.clients = std::stoi(v);
        } else if (k == "--slaves") {
            o.slaves = std::stoi(v);
        } else if (k == "--faults") {
            milliseconds lo, hi;
            range(v, lo, hi);
            o.min_faults_per_kind = static_cast<int>(lo.count());
            o.max_faults_per_kind = static_cast<int>(hi.count());
        } else if (k == "--kinds") {
            std::size_t from = 0;
            while (from <= v.size()) {
                const auto comma = std::min(v.find(',', from), v.size());
                o.kinds.push_back(v.substr(from, comma - from));
                from = comma + 1;
            }
        } else if (k == "--down") {
            range(v, o.down_min, o.down_max);
        } else if (k == "--gap") {
            range(v, o.gap_min, o.gap_max);
        } else if (k == "--pause") {
            o.client_pause = milliseconds(std::stol(v));
        } else if (k == "--deadline") {
            o.converge_deadline = std::chrono::seconds(std::stol(v));
        } else if (k == "--stall") {
            o.stall_after = std::chrono::seconds(std::stol(v));
        } else if (k == "--log-level") {
            o.log_level = v;
        } else if (k == "--keep-logs") {
            o.keep_logs_dir = v;
        } else {
            throw std::invalid_argument("unknown option " + k);
        }
    }
    if (o.zones < 1 || o.clients < 1 || o.changes < 0 || o.slaves < 0 || o.clients > o.zones) {
        throw std::invalid_argument("need zones >= clients >= 1, changes >= 0, slaves >= 0");
    }
    for (const auto& k : o.kinds) {
        const bool slave = k.rfind("slave", 0) == 0 && k.size() > 5 &&
                           k.find_first_not_of("0123456789", 5) == std::string::npos &&
                           std::stoi(k.substr(5)) >= 1 && std::stoi(k.substr(5)) <= o.slaves;
        if (k != "dmsd" && k != "named" && k != "postgresql" && !slave) {
            throw std::invalid_argument("unknown fault kind '" + k + "'");
        }
    }
    return o;
}

} // namespace

int main(int argc, char** argv) {
    dms::test::soak::Options o;
    try {
        o = parse(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        std::cerr << "soak_bench: " << e.what() << " (see the top of bench/soak.cpp)\n";
        return 64;
    }
    if (o.keep_logs_dir.empty()) {
        o.keep_logs_dir = fmt::format("/tmp/dms-soak-{}-logs", o.seed);
    }
    try {
        const auto r = dms::test::soak::run(o, std::cout);
        std::string faults;
        int total = 0;
        for (const auto& [kind, n] : r.faults) {
            faults += fmt::format("{}{} {}", faults.empty() ? "" : ", ", kind, n);
            total += n;
        }
        fmt::print("\n---- soak: seed {}\n", o.seed);
        fmt::print("stream: {} zones, {} changes saved by {} clients ({} zone_tool runs, {} "
                   "refused and retried, {} given up) in {:.1f} s\n",
                   o.zones, r.saves, o.clients, r.attempts, r.refused, r.given_up,
                   r.stream_seconds);
        fmt::print("faults: {} ({})\n", total, faults);
        if (r.converged) {
            fmt::print("converged: {:.1f} s after the stream and the last fault\n",
                       r.converge_seconds);
        } else {
            fmt::print("converged: NO (deadline {} s, or nothing changed for {} s)\n",
                       o.converge_deadline.count(), o.stall_after.count());
        }
        fmt::print("result: {} ({} problem(s))\n", r.ok() ? "PASS" : "FAIL", r.problems.size());
        if (!r.ok()) {
            for (const auto& p : r.problems) {
                fmt::print("  {}\n", p);
            }
            fmt::print("\n{}\nreplay: bench/soak.sh --seed {} (logs in {})\n", r.report, o.seed,
                       o.keep_logs_dir.string());
        }
        return r.ok() ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "soak_bench: seed " << o.seed << ": " << e.what() << "\n";
        return 1;
    }
}
