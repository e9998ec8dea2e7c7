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
// DNSSEC (bench/dnssec.sh): ANCHOR is a delv trust-anchors file for ZONE; "validates"
// means `delv` with only that anchor says "; fully validated" at every slave.
//   propagation_bench signed-change ZONE_TOOL CONF ZONE BASE_FILE N ANCHOR SERVERS...
//       as change, then until the changed record validates at every slave.
//   propagation_bench signed-nsupdate CONF KEY_FILE ZONE N ANCHOR SERVERS...
//       as nsupdate, then until the zone's SOA with the new serial validates at every
//       slave (the record itself may be gone: dmsd's drift check restores the
//       database's content).
//   propagation_bench enable ZONE_TOOL CONF PREFIX N SERVERS...
//       N new zones PREFIX<i>.sig., each on every slave unsigned first; then timed from
//       `zone_tool set_zone Z auto_dnssec` returning until show_dnssec gives its DS and
//       the zone's SOA validates at every slave with that DS.
//   propagation_bench sign-many ZONE_TOOL CONF LIST_FILE SAMPLE DS_DIR SERVERS...
//       the zones of LIST_FILE (one per line, each served everywhere) signed at once:
//       `set_zone Z auto_dnssec` for each (two at a time), timed from the first until
//       every slave serves each zone with a serial past its unsigned one (named bumps it
//       when it signs); then `recreate_ds '*'` timed, and SAMPLE zones spread over the
//       list validated at every slave with their DS file from DS_DIR.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "dms/core/config.hpp"
#include "dms/core/dns_client.hpp"
#include "dms/core/process.hpp"
#include "dms/core/serial.hpp"

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

/// Every server answers `zone` with serial `want` or a later one (a signed zone's
/// serial may move again when named re-signs; any serial when none is given).
bool all_serve(const std::vector<Server>& servers, const std::string& zone,
               std::optional<std::uint32_t> want) {
    return std::all_of(servers.begin(), servers.end(), [&](const Server& s) {
        const auto got = serial_of(s, zone);
        return got && (!want || !dms::serial::lt(*got, *want));
    });
}

/// `delv` at `s` for NAME TYPE with only the anchors of `anchor_file` (and `root` as
/// the top of the chain) says "; fully validated".
dms::ProcessResult delv(const Server& s, const std::string& anchor_file, const std::string& root,
                        const std::string& name, const std::string& type) {
    dms::RunOptions o;
    o.timeout = 10s;
    return dms::run_process({"delv", "-a", anchor_file, "+root=" + root, "@" + s.address, "-p",
                             std::to_string(s.port), name, type},
                            o);
}

bool validates(const Server& s, const std::string& anchor_file, const std::string& root,
               const std::string& name, const std::string& type) {
    return delv(s, anchor_file, root, name, type).out.find("; fully validated") !=
           std::string::npos;
}

/// `delv` at `s` validates the zone's SOA with serial `want` or a later one.
bool validated_serial(const Server& s, const std::string& anchor_file, const std::string& zone,
                      std::uint32_t want) {
    const auto r = delv(s, anchor_file, zone, zone, "SOA");
    if (r.out.find("; fully validated") == std::string::npos) {
        return false;
    }
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string owner, ttl, cls, type, mname, rname;
        std::uint32_t serial = 0;
        if (f >> owner >> ttl >> cls >> type >> mname >> rname >> serial && type == "SOA") {
            return !dms::serial::lt(serial, want);
        }
    }
    return false;
}

/// Until `name` validates at every slave (delv has no millisecond loop: each try is a
/// process, some milliseconds).
bool all_validate(const std::vector<Server>& slaves, const std::string& anchor_file,
                  const std::string& zone, const std::string& name, const std::string& type,
                  std::chrono::seconds limit) {
    for (const auto& s : slaves) {
        if (!poll([&] { return validates(s, anchor_file, zone, name, type); }, limit)) {
            std::cerr << name << " " << type << " does not validate at " << s.address << ":"
                      << s.port << "\n";
            return false;
        }
    }
    return true;
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

/// What validating costs by itself: delv at every slave for a record long served.
void report_delv_alone(const std::vector<Server>& slaves, const std::string& anchor,
                       const std::string& zone) {
    std::vector<double> v;
    for (int i = 0; i < 20; ++i) {
        const auto t0 = Clock::now();
        if (!all_validate(slaves, anchor, zone, zone, "SOA", 10s)) {
            return;
        }
        v.push_back(ms(Clock::now() - t0));
    }
    report("delv alone at every slave (in the above)", v);
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
                std::uint32_t before, std::uint32_t* moved_to = nullptr) {
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
    if (moved_to != nullptr) {
        *moved_to = *now;
    }
    return true;
}

int change(const std::string& zone_tool, const std::string& conf, const std::string& zone,
           const std::string& base_file, int n, const std::vector<Server>& slaves,
           const std::string& anchor = {}) {
    const auto master = master_of(conf);
    std::ifstream in(base_file);
    const std::string base{std::istreambuf_iterator<char>(in), {}};
    const auto file = base_file + ".edit";
    std::vector<double> v, valid;
    for (int i = 0; i < n; ++i) {
        // A new name each time when validating: delv must see this change's record.
        const auto name = anchor.empty() ? std::string("prop") : fmt::format("prop{}", i);
        std::ofstream(file) << base
                            << fmt::format("{} 300 IN A 10.7.{}.{}\n", name, i / 250, i % 250 + 1);
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
        if (!anchor.empty()) {
            if (!all_validate(slaves, anchor, zone, name + "." + zone, "A", 60s)) {
                return 1;
            }
            valid.push_back(ms(Clock::now() - t1));
        }
    }
    report(anchor.empty() ? "dms: zone_tool return -> every slave"
                          : "dms signed: zone_tool return -> every slave",
           v);
    if (!anchor.empty()) {
        report("dms signed: ... -> validates at every slave", valid);
        report_delv_alone(slaves, anchor, zone);
    }
    return 0;
}

int nsupdate(const std::string& conf, const std::string& key_file, const std::string& zone, int n,
             const std::vector<Server>& slaves, const std::string& anchor = {}) {
    const auto master = master_of(conf);
    std::vector<double> v, valid;
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
        std::uint32_t serial = 0;
        if (!propagated(master, slaves, zone, before, &serial)) {
            return 1;
        }
        v.push_back(ms(Clock::now() - t0));
        if (!anchor.empty()) {
            // The record itself may be gone again: dmsd's drift check puts back the
            // database's content. What is timed is the new serial's SOA validating.
            for (const auto& s : slaves) {
                if (!poll([&] { return validated_serial(s, anchor, zone, serial); }, 60s)) {
                    std::cerr << zone << " SOA " << serial << " does not validate at " << s.address
                              << ":" << s.port << "\n";
                    return 1;
                }
            }
            valid.push_back(ms(Clock::now() - t0));
        }
    }
    report(anchor.empty() ? "raw: nsupdate start -> every slave"
                          : "raw signed: nsupdate start -> every slave",
           v);
    if (!anchor.empty()) {
        report("raw signed: ... -> validates at every slave", valid);
    }
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

/// The SHA-256 DS show_dnssec prints for `zone` ("TAG 13 2 HEX"), empty while none.
/// The rdata ("TAG ALG 2 HEX") of the first SHA-256 DS record among "... IN DS ..."
/// lines (show_dnssec's output, a recreate_ds file); "" if none.
std::string sha256_ds(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto p = line.find(" IN DS ");
        if (p == std::string::npos) {
            continue;
        }
        const auto rdata = line.substr(p + 7);
        std::istringstream f(rdata);
        std::string tag, alg, type;
        f >> tag >> alg >> type;
        if (type == "2") {
            return rdata;
        }
    }
    return {};
}

std::string shown_ds(const std::string& zone_tool, const std::string& conf,
                     const std::string& zone) {
    return sha256_ds(dms::run_process({zone_tool, "-c", conf, "show_dnssec", zone}).out);
}

/// A delv trust-anchors file for `zone` from DS rdata "TAG ALG TYPE HEX".
std::string write_anchor(const std::string& dir, const std::string& zone, const std::string& ds) {
    std::istringstream f(ds);
    std::string tag, alg, type, hex;
    f >> tag >> alg >> type >> hex;
    const auto file = dir + "/anchor-" + zone + "conf";
    std::ofstream(file) << fmt::format("trust-anchors {{ {} static-ds {} {} {} \"{}\"; }};\n", zone,
                                       tag, alg, type, hex);
    return file;
}

std::string temp_dir() {
    char tmpl[] = "/tmp/dms-bench-dnssec.XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    if (d == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    return d;
}

int enable(const std::string& zone_tool, const std::string& conf, const std::string& prefix, int n,
           const std::vector<Server>& slaves) {
    const auto dir = temp_dir();
    std::vector<double> ds_shown, valid;
    for (int i = 0; i < n; ++i) {
        const auto zone = fmt::format("{}{}.sig.", prefix, i);
        if (!dms::run_process({zone_tool, "-c", conf, "create_zone", zone}).ok() ||
            !poll([&] { return all_serve(slaves, zone, std::nullopt); }, 60s)) {
            std::cerr << zone << ": not created on every slave\n";
            return 1;
        }
        const auto r = dms::run_process({zone_tool, "-c", conf, "set_zone", zone, "auto_dnssec"});
        const auto t1 = Clock::now();
        if (!r.ok()) {
            std::cerr << dms::describe_failure({zone_tool, "set_zone"}, r) << "\n";
            return 1;
        }
        std::string ds;
        if (!poll([&] { return !(ds = shown_ds(zone_tool, conf, zone)).empty(); }, 60s)) {
            std::cerr << zone << ": show_dnssec gives no DS after 60 s\n";
            return 1;
        }
        ds_shown.push_back(ms(Clock::now() - t1));
        const auto anchor = write_anchor(dir, zone, ds);
        if (!all_validate(slaves, anchor, zone, zone, "SOA", 60s)) {
            return 1;
        }
        valid.push_back(ms(Clock::now() - t1));
    }
    std::filesystem::remove_all(dir);
    report("dms: set_zone auto_dnssec -> DS shown", ds_shown);
    report("dms: set_zone auto_dnssec -> validates", valid);
    return 0;
}

int sign_many(const std::string& zone_tool, const std::string& conf, const std::string& list,
              int sample, const std::string& ds_dir, const std::vector<Server>& slaves) {
    std::vector<std::string> zones;
    {
        std::ifstream in(list);
        std::string z;
        while (std::getline(in, z)) {
            if (!z.empty()) {
                zones.push_back(z);
            }
        }
    }
    if (zones.empty()) {
        std::cerr << list << ": no zones\n";
        return 1;
    }
    // Each zone's unsigned serial on each slave, once it serves it.
    std::vector<std::vector<std::uint32_t>> before(zones.size());
    for (std::size_t i = 0; i < zones.size(); ++i) {
        for (const auto& s : slaves) {
            std::optional<std::uint32_t> got;
            if (!poll([&] { return (got = serial_of(s, zones[i])).has_value(); }, 300s)) {
                std::cerr << zones[i] << ": not served by " << s.address << "\n";
                return 1;
            }
            before[i].push_back(*got);
        }
    }
    const auto t0 = Clock::now();
    // Two zone_tool processes at a time, as an operator's loop with xargs -P2 would.
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    const auto worker = [&] {
        for (auto i = next++; i < zones.size() && !failed; i = next++) {
            const auto r =
                dms::run_process({zone_tool, "-c", conf, "set_zone", zones[i], "auto_dnssec"});
            if (!r.ok()) {
                std::cerr << dms::describe_failure({zone_tool, "set_zone", zones[i]}, r) << "\n";
                failed = true;
            }
        }
    };
    std::thread a(worker), b(worker);
    a.join();
    b.join();
    if (failed) {
        return 1;
    }
    const auto commands = ms(Clock::now() - t0);
    // Every zone with a moved serial on every slave.
    std::vector<bool> done(zones.size(), false);
    std::size_t left = zones.size();
    const auto deadline = Clock::now() + std::chrono::minutes(30);
    while (left > 0 && Clock::now() < deadline) {
        for (std::size_t i = 0; i < zones.size(); ++i) {
            if (done[i]) {
                continue;
            }
            bool all = true;
            for (std::size_t k = 0; k < slaves.size() && all; ++k) {
                const auto got = serial_of(slaves[k], zones[i]);
                all = got && dms::serial::lt(before[i][k], *got);
            }
            if (all) {
                done[i] = true;
                --left;
            }
        }
        if (left > 0) {
            std::this_thread::sleep_for(100ms);
        }
    }
    if (left > 0) {
        std::cerr << left << " zones not signed on every slave after 30 minutes\n";
        return 1;
    }
    const auto signed_all = ms(Clock::now() - t0);
    const auto t2 = Clock::now();
    const auto ds = dms::run_process({zone_tool, "-c", conf, "recreate_ds", "*"});
    const auto recreate = ms(Clock::now() - t2);
    if (!ds.ok()) {
        std::cerr << dms::describe_failure({zone_tool, "recreate_ds", "*"}, ds) << "\n";
        return 1;
    }
    const auto dir = temp_dir();
    const auto step = std::max<std::size_t>(1, zones.size() / std::max(1, sample));
    int checked = 0;
    for (std::size_t i = 0; i < zones.size() && checked < sample; i += step, ++checked) {
        const auto& zone = zones[i];
        // recreate_ds names the file after the zone without its final dot.
        const auto file = ds_dir + "/" + zone.substr(0, zone.size() - 1);
        std::ifstream in(file);
        const auto rdata = sha256_ds(std::string(std::istreambuf_iterator<char>(in), {}));
        if (rdata.empty()) {
            std::cerr << file << ": no SHA-256 DS\n";
            return 1;
        }
        if (!all_validate(slaves, write_anchor(dir, zone, rdata), zone, zone, "SOA", 60s)) {
            return 1;
        }
    }
    std::filesystem::remove_all(dir);
    fmt::print("{:<40} {} zones: set_zone x{} {:.1f} s; signed on every slave {:.1f} s after "
               "the first; recreate_ds '*' {:.1f} s; {} sampled zones validate with their DS "
               "file\n",
               "dms: signing many zones at once", zones.size(), zones.size(), commands / 1000,
               signed_all / 1000, recreate / 1000, checked);
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
        if (a.size() >= 8 && a[0] == "signed-change") {
            return change(a[1], a[2], a[3], a[4], std::stoi(a[5]), parse_servers(a, 7), a[6]);
        }
        if (a.size() >= 7 && a[0] == "signed-nsupdate") {
            return nsupdate(a[1], a[2], a[3], std::stoi(a[4]), parse_servers(a, 6), a[5]);
        }
        if (a.size() >= 6 && a[0] == "enable") {
            return enable(a[1], a[2], a[3], std::stoi(a[4]), parse_servers(a, 5));
        }
        if (a.size() >= 7 && a[0] == "sign-many") {
            return sign_many(a[1], a[2], a[3], std::stoi(a[4]), a[5], parse_servers(a, 6));
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
