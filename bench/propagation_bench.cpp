// SPDX-License-Identifier: GPL-3.0-or-later
// Propagation benchmark driver (bench/propagation.sh runs it). SERVERS are
// "address:port" of the slaves; the master is the config's master_dns_address/port.
//   propagation_bench change ZONE_TOOL CONF ZONE BASE_FILE N SERVERS...
//       N times: save BASE_FILE plus one changed record with `zone_tool load_zone_zi`,
//       then poll (every millisecond) until every slave answers the master's new
//       serial; prints the time from zone_tool's return to the last slave.
//   propagation_bench nsupdate CONF KEY_FILE ZONE N SERVERS...
//       the raw primitive: N `nsupdate` adds straight to the master, each timed from
//       nsupdate's start until every slave answers the new serial (BIND's NOTIFY and
//       IXFR alone).
//   propagation_bench create ZONE_TOOL CONF PREFIX N SERVERS...
//       N new zones PREFIX<i>.prop. with `zone_tool create_zone`, each timed from
//       zone_tool's return until every slave answers it.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "dms/core/config.hpp"
#include "dms/core/dns_client.hpp"
#include "dms/core/process.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using dms::dns::Server;

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

std::optional<std::uint32_t> serial_of(const Server& s, const std::string& zone) {
    const auto r = dms::dns::query_soa(s, zone, 1s, false);
    if (r.status != dms::dns::Status::answered || r.rcode != 0 || !r.authoritative) {
        return std::nullopt;
    }
    return r.serial;
}

/// Poll until `done` holds; false after `limit`.
template <typename F>
bool poll(F&& done, std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(1ms);
    }
    return false;
}

/// Every server answers `zone` with serial `want` (any serial when none is given).
bool all_serve(const std::vector<Server>& servers, const std::string& zone,
               std::optional<std::uint32_t> want) {
    return std::all_of(servers.begin(), servers.end(), [&](const Server& s) {
        const auto got = serial_of(s, zone);
        return got && (!want || *got == *want);
    });
}

void report(const std::string& what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const auto pct = [&](double p) {
        return v[std::min(v.size() - 1,
                          static_cast<std::size_t>(p * static_cast<double>(v.size())))];
    };
    fmt::print("{:<40} n={:<4} p50 {:8.1f} ms  p90 {:8.1f} ms  p99 {:8.1f} ms  max {:8.1f} ms\n",
               what, v.size(), pct(0.50), pct(0.90), pct(0.99), v.back());
}

Server master_of(const std::string& conf) {
    const auto cfg = dms::load_config(dms::Program::zone_tool, conf);
    return {cfg.value("master_dns_address"), static_cast<int>(cfg.number("master_dns_port"))};
}

std::vector<Server> parse_servers(const std::vector<std::string>& a, std::size_t from) {
    std::vector<Server> out;
    for (auto i = from; i < a.size(); ++i) {
        const auto colon = a[i].rfind(':');
        out.push_back({a[i].substr(0, colon), std::stoi(a[i].substr(colon + 1))});
    }
    return out;
}

/// After a change on the master (serial moved from `before`), until every slave has it.
bool propagated(const Server& master, const std::vector<Server>& slaves, const std::string& zone,
                std::uint32_t before) {
    std::optional<std::uint32_t> now;
    if (!poll(
            [&] {
                now = serial_of(master, zone);
                return now && *now != before;
            },
            30s)) {
        std::cerr << zone << ": the master's serial did not move\n";
        return false;
    }
    if (!poll([&] { return all_serve(slaves, zone, now); }, 60s)) {
        std::cerr << zone << ": serial " << *now << " not on every slave after 60 s\n";
        return false;
    }
    return true;
}

int change(const std::string& zone_tool, const std::string& conf, const std::string& zone,
           const std::string& base_file, int n, const std::vector<Server>& slaves) {
    const auto master = master_of(conf);
    std::ifstream in(base_file);
    const std::string base{std::istreambuf_iterator<char>(in), {}};
    const auto file = base_file + ".edit";
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        std::ofstream(file) << base
                            << fmt::format("prop 300 IN A 10.7.{}.{}\n", i / 250, i % 250 + 1);
        const auto before = serial_of(master, zone).value_or(0);
        const auto r = dms::run_process({zone_tool, "-c", conf, "load_zone_zi", file, zone});
        const auto t1 = Clock::now();
        if (!r.ok()) {
            std::cerr << dms::describe_failure({zone_tool, "load_zone_zi"}, r) << "\n";
            return 1;
        }
        if (!propagated(master, slaves, zone, before)) {
            return 1;
        }
        v.push_back(ms(Clock::now() - t1));
    }
    report("dms: zone_tool return -> every slave", v);
    return 0;
}

int nsupdate(const std::string& conf, const std::string& key_file, const std::string& zone, int n,
             const std::vector<Server>& slaves) {
    const auto master = master_of(conf);
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        const auto before = serial_of(master, zone).value_or(0);
        dms::RunOptions o;
        o.stdin_text =
            fmt::format("server {} {}\nzone {}\nupdate add raw{}.{} 300 IN A "
                        "10.6.{}.{}\nsend\n",
                        master.address, master.port, zone, i, zone, i / 250, i % 250 + 1);
        const auto t0 = Clock::now();
        const auto r = dms::run_process({"nsupdate", "-k", key_file}, o);
        if (!r.ok()) {
            std::cerr << dms::describe_failure({"nsupdate", "-k"}, r) << "\n";
            return 1;
        }
        if (!propagated(master, slaves, zone, before)) {
            return 1;
        }
        v.push_back(ms(Clock::now() - t0));
    }
    report("raw: nsupdate start -> every slave", v);
    return 0;
}

int create(const std::string& zone_tool, const std::string& conf, const std::string& prefix, int n,
           const std::vector<Server>& slaves) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        const auto zone = fmt::format("{}{}.prop.", prefix, i);
        const auto r = dms::run_process({zone_tool, "-c", conf, "create_zone", zone});
        const auto t1 = Clock::now();
        if (!r.ok()) {
            std::cerr << dms::describe_failure({zone_tool, "create_zone"}, r) << "\n";
            return 1;
        }
        if (!poll([&] { return all_serve(slaves, zone, std::nullopt); }, 60s)) {
            std::cerr << zone << " not on every slave after 60 s\n";
            return 1;
        }
        v.push_back(ms(Clock::now() - t1));
    }
    report("dms: create_zone return -> every slave", v);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> a(argv + 1, argv + argc);
    try {
        if (a.size() >= 7 && a[0] == "change") {
            return change(a[1], a[2], a[3], a[4], std::stoi(a[5]), parse_servers(a, 6));
        }
        if (a.size() >= 6 && a[0] == "nsupdate") {
            return nsupdate(a[1], a[2], a[3], std::stoi(a[4]), parse_servers(a, 5));
        }
        if (a.size() >= 6 && a[0] == "create") {
            return create(a[1], a[2], a[3], std::stoi(a[4]), parse_servers(a, 5));
        }
    } catch (const std::exception& e) {
        std::cerr << "propagation_bench: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "usage: see the top of bench/propagation_bench.cpp\n";
    return 64;
}
