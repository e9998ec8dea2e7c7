// SPDX-License-Identifier: GPL-3.0-or-later
// Zone import benchmark driver (bench/zone_import.sh runs it):
//   zone_import_bench generate N FILE   write a zone of about N records, mixed types
//   zone_import_bench parse FILE        parse only
//   zone_import_bench validate FILE     parse + validate
//   zone_import_bench print FILE        parse + print (show_zone's work)
// Prints "<stage> <records> records <seconds> s <records/s> RR/s <peak MB> MB".
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/resource.h>

#include <fmt/format.h>

#include "dms/core/zone_text.hpp"
#include "dms/core/zone_validate.hpp"

namespace {

long peak_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

int generate(long n, const std::string& path) {
    std::ofstream out(path);
    out << "$TTL 1h\n;| Apex resource records for bench.example.\n"
           "@ SOA ns1 hostmaster 2026010100 2h 900 7d 1h\n@ NS ns1\n@ NS ns2.example.net.\n"
           "ns1 A 192.0.2.1\n";
    for (long i = 0; i < n - 5; ++i) {
        if (i % 1000 == 0) {
            out << fmt::format("\n;| block {}\n", i / 1000);
        }
        const long k = i % 10;
        const long b = i - k; // the A record of this decade
        switch (k) {
        case 0:
        case 1:
        case 2:
        case 3:
            out << fmt::format("h{} A 10.{}.{}.{}\n", i, (i >> 16) & 255, (i >> 8) & 255, i & 255);
            break;
        case 4:
            out << fmt::format("h{} AAAA 2001:db8::{:x}:{:x}\n", i, i >> 16, i & 0xffff);
            break;
        case 5:
            out << fmt::format("t{} TXT \"v=spf1 ip4:10.0.0.{} -all\"\n", i, i & 255);
            break;
        case 6:
            out << fmt::format("m{} MX 10 h{}\n", i, b);
            break;
        case 7:
            out << fmt::format("c{} 300 CNAME h{}\n", i, b);
            break;
        case 8:
            out << fmt::format("_s{}._tcp SRV 0 5 443 h{}\n", i, b);
            break;
        default:
            out << fmt::format("h{} CAA 0 issue \"ca.example.net\"\n", b);
            break;
        }
    }
    return out ? 0 : 1;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: zone_import_bench generate N FILE | parse|validate|print FILE\n";
        return 64;
    }
    const std::string mode = argv[1];
    if (mode == "generate" && argc == 4) {
        return generate(std::stol(argv[2]), argv[3]);
    }
    const auto text = slurp(argv[2]);
    const auto t0 = std::chrono::steady_clock::now();
    dms::ParseOptions po;
    po.zone_name = "bench.example";
    const auto r = dms::parse_zone_text(text, po);
    std::size_t out_bytes = 0;
    auto findings = r.findings;
    if (mode == "validate") {
        auto v = dms::validate_zone(r.zone);
        findings.insert(findings.end(), v.begin(), v.end());
    } else if (mode == "print") {
        out_bytes = dms::print_zone_text(r.zone).size();
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (dms::has_errors(findings)) {
        std::cerr << dms::format_findings(argv[2], findings).substr(0, 2000);
        return 65;
    }
    const auto n = r.zone.rr_count();
    fmt::print("{} {} records {:.2f} s {:.0f} RR/s {} MB{}\n", mode, n, s,
               static_cast<double>(n) / s, peak_mb(),
               out_bytes ? fmt::format(" ({} bytes printed)", out_bytes) : "");
    return 0;
}
