// SPDX-License-Identifier: GPL-3.0-or-later
// Publishing benchmark driver (bench/publish.sh runs it):
//   publish_bench latency ZONE_TOOL CONF ZONE BASE_FILE N
//       N times: save BASE_FILE plus one changed record with `zone_tool load_zone_zi`,
//       then poll the master's SOA (every millisecond) until the serial moves; prints
//       the latency from zone_tool's return to the change being answered.
//   publish_bench nsupdate ADDRESS PORT KEY_FILE ZONE N
//       the raw primitive: N `nsupdate` adds, each timed from nsupdate's start to the
//       serial having moved.
//   publish_bench generate DIR COUNT      COUNT small zone files zN.bench in DIR
//   publish_bench raw-conf DIR COUNT      a named.conf include with those zones
//   publish_bench served ADDRESS PORT COUNT TIMEOUT_S
//       wait until every zN.bench. answers its SOA; prints the seconds it took
#include <algorithm>
#include <chrono>
#include <filesystem>
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

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

std::uint32_t serial_now(const dms::dns::Server& s, const std::string& zone) {
    const auto r = dms::dns::query_soa(s, zone, 2s, false);
    return r.serial.value_or(0);
}

/// Poll until the SOA serial differs from `old`; false on timeout.
bool wait_serial_change(const dms::dns::Server& s, const std::string& zone, std::uint32_t old,
                        std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        if (serial_now(s, zone) != old) {
            return true;
        }
        std::this_thread::sleep_for(1ms);
    }
    return false;
}

void report(const std::string& what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const auto pct = [&](double p) {
        return v[std::min(v.size() - 1,
                          static_cast<std::size_t>(p * static_cast<double>(v.size())))];
    };
    fmt::print("{:<34} n={:<4} p50 {:8.1f} ms  p90 {:8.1f} ms  p99 {:8.1f} ms  max {:8.1f} ms\n",
               what, v.size(), pct(0.50), pct(0.90), pct(0.99), v.back());
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

int latency(const std::string& zone_tool, const std::string& conf, const std::string& zone,
            const std::string& base_file, int n) {
    const auto cfg = dms::load_config(dms::Program::zone_tool, conf);
    const dms::dns::Server s{cfg.value("master_dns_address"),
                             static_cast<int>(cfg.number("master_dns_port"))};
    const auto base = slurp(base_file);
    const auto file = base_file + ".edit";
    std::vector<double> visible, command;
    for (int i = 0; i < n; ++i) {
        std::ofstream(file) << base
                            << fmt::format("bench 300 IN A 10.9.{}.{}\n", i / 250, i % 250 + 1);
        const auto before = serial_now(s, zone);
        const auto t0 = Clock::now();
        const auto r = dms::run_process({zone_tool, "-c", conf, "load_zone_zi", file, zone});
        const auto t1 = Clock::now();
        if (!r.ok()) {
            std::cerr << dms::describe_failure({zone_tool, "load_zone_zi"}, r) << "\n";
            return 1;
        }
        if (!wait_serial_change(s, zone, before, 30s)) {
            std::cerr << "change " << i << " not answered within 30 s\n";
            return 1;
        }
        visible.push_back(ms(Clock::now() - t1));
        command.push_back(ms(t1 - t0));
    }
    report("dms: zone_tool return -> answered", visible);
    report("dms: zone_tool load_zone_zi itself", command);
    return 0;
}

int nsupdate(const std::string& address, int port, const std::string& key_file,
             const std::string& zone, int n) {
    const dms::dns::Server s{address, port};
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        const auto before = serial_now(s, zone);
        dms::RunOptions o;
        o.stdin_text = fmt::format("server {} {}\nzone {}\nupdate add raw{}.{} 300 IN A "
                                   "10.8.{}.{}\nsend\n",
                                   address, port, zone, i, zone, i / 250, i % 250 + 1);
        const auto t0 = Clock::now();
        const auto r = dms::run_process({"nsupdate", "-k", key_file}, o);
        if (!r.ok() || !wait_serial_change(s, zone, before, 30s)) {
            std::cerr << dms::describe_failure({"nsupdate", "-k"}, r) << "\n";
            return 1;
        }
        v.push_back(ms(Clock::now() - t0));
    }
    report("raw: nsupdate start -> answered", v);
    return 0;
}

int generate(const std::string& dir, int count) {
    std::filesystem::create_directories(dir);
    for (int i = 0; i < count; ++i) {
        std::ofstream out(fmt::format("{}/z{}.bench", dir, i));
        out << fmt::format("$TTL 1h\n@ SOA ns1.bench. hostmaster.bench. 2026010100 2h 900 7d 1h\n"
                           "@ NS ns1.someorg.net.\n@ NS ns2.someorg.net.\n"
                           "www A 10.{}.{}.1\nmail A 10.{}.{}.2\n@ MX 10 mail\n",
                           i / 256 % 256, i % 256, i / 256 % 256, i % 256);
    }
    return 0;
}

int raw_conf(const std::string& dir, int count) {
    std::ofstream out(dir + "/raw-zones.conf");
    for (int i = 0; i < count; ++i) {
        out << fmt::format("zone \"z{0}.bench\" {{ type master; file \"{1}/z{0}.bench\"; }};\n", i,
                           dir);
    }
    return 0;
}

int served(const std::string& address, int port, int count, int timeout_s) {
    const dms::dns::Server s{address, port};
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::seconds(timeout_s);
    int next = 0;
    while (next < count) {
        const auto r = dms::dns::query_soa(s, fmt::format("z{}.bench.", next), 2s, false);
        if (r.status == dms::dns::Status::answered && r.rcode == 0 && r.authoritative) {
            ++next;
            continue;
        }
        if (Clock::now() > deadline) {
            std::cerr << "z" << next << ".bench. not served after " << timeout_s << " s\n";
            return 1;
        }
        std::this_thread::sleep_for(5ms);
    }
    fmt::print("{:.2f}\n", std::chrono::duration<double>(Clock::now() - t0).count());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> a(argv + 1, argv + argc);
    try {
        if (a.size() == 6 && a[0] == "latency") {
            return latency(a[1], a[2], a[3], a[4], std::stoi(a[5]));
        }
        if (a.size() == 6 && a[0] == "nsupdate") {
            return nsupdate(a[1], std::stoi(a[2]), a[3], a[4], std::stoi(a[5]));
        }
        if (a.size() == 3 && a[0] == "generate") {
            return generate(a[1], std::stoi(a[2]));
        }
        if (a.size() == 3 && a[0] == "raw-conf") {
            return raw_conf(a[1], std::stoi(a[2]));
        }
        if (a.size() == 5 && a[0] == "served") {
            return served(a[1], std::stoi(a[2]), std::stoi(a[3]), std::stoi(a[4]));
        }
    } catch (const std::exception& e) {
        std::cerr << "publish_bench: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "usage: see the top of bench/publish_bench.cpp\n";
    return 64;
}
