// SPDX-License-Identifier: GPL-3.0-or-later
// The short fault soak (issue 11): 150 changes over 20 zones from 2 clients while dmsd
// is killed, the master named, PostgreSQL and each of 2 slaves are stopped and started
// again (each at least once, at most twice); then every zone must serve its last saved
// content on the master and both slaves, with nothing failed or stuck in the event
// queue. The long run is bench/soak.sh. The seed is printed; DMS_SOAK_SEED=N replays it.
#include <cstdlib>
#include <iostream>
#include <string>

#include <gtest/gtest.h>

#include "dms_deployment.hpp"
#include "soak.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;

TEST(Soak, EveryZoneServesItsLastSaveAfterFaultsOfEveryKind) {
    DMS_REQUIRE_TOOLS(deployment_missing());
    soak::Options o;
    const char* seed = std::getenv("DMS_SOAK_SEED");
    o.seed = seed != nullptr ? std::stoull(seed) : soak::random_seed();
    o.zones = 20;
    o.changes = 150;
    o.clients = 2;
    o.slaves = 2;
    o.min_faults_per_kind = 1;
    o.max_faults_per_kind = 2;
    o.down_min = 1s;
    o.down_max = 4s;
    o.gap_min = 500ms;
    o.gap_max = 3s;
    o.client_pause = 250ms;
    // Generous: a deadline for convergence, never a timing assertion.
    o.converge_deadline = 300s;
    o.log_level = "debug";
    o.keep_logs_dir =
        std::filesystem::temp_directory_path() / ("dms-soak-" + std::to_string(o.seed) + "-logs");
    std::cout << "soak seed " << o.seed << " (replay: DMS_SOAK_SEED=" << o.seed
              << " ctest -R Soak)\n";
    const auto r = soak::run(o, std::cout);
    ASSERT_TRUE(r.setup_ok) << "seed " << o.seed << ": "
                            << (r.problems.empty() ? "" : r.problems.front()) << "\n"
                            << r.report;
    EXPECT_GT(r.saves, 0);
    for (const auto& [kind, n] : r.faults) {
        std::cout << "faults: " << kind << " " << n << "\n";
    }
    for (const auto* kind : {"dmsd", "named", "slave1", "slave2"}) {
        EXPECT_EQ(r.faults.count(kind), 1U) << "no fault of kind " << kind;
    }
    EXPECT_GE(r.faults.count("postgresql (fast)") + r.faults.count("postgresql (immediate)"), 1U)
        << "no PostgreSQL fault";
    std::string problems;
    for (std::size_t i = 0; i < r.problems.size() && i < 40; ++i) {
        problems += "  " + r.problems[i] + "\n";
    }
    if (r.problems.size() > 40) {
        problems += "  ... " + std::to_string(r.problems.size() - 40) + " more\n";
    }
    EXPECT_TRUE(r.converged) << "seed " << o.seed << ": not converged (deadline "
                             << o.converge_deadline.count() << " s, or nothing changed for "
                             << o.stall_after.count() << " s):\n"
                             << problems << r.report;
    EXPECT_TRUE(r.problems.empty()) << "seed " << o.seed << ":\n" << problems;
}

} // namespace
} // namespace dms::test
