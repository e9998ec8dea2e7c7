// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include "dms/dmsd/event_processor.hpp"

namespace dms::dmsd {
namespace {

using namespace std::chrono_literals;
using P = EventProcessor;

TEST(Backoff, DoublesWithEqualJitterUpToTheCap) {
    // Attempt n waits between half and all of base * 2^(n-1), never above the cap.
    EXPECT_EQ(P::backoff(1, 500ms, 300s, 0.0), 250ms);
    EXPECT_EQ(P::backoff(1, 500ms, 300s, 1.0), 500ms);
    EXPECT_EQ(P::backoff(2, 500ms, 300s, 0.0), 500ms);
    EXPECT_EQ(P::backoff(4, 500ms, 300s, 1.0), 4000ms);
    EXPECT_EQ(P::backoff(4, 500ms, 300s, 0.5), 3000ms);
    EXPECT_EQ(P::backoff(30, 500ms, 300s, 1.0), 300s);
    EXPECT_EQ(P::backoff(30, 500ms, 300s, 0.0), 150s);
    EXPECT_EQ(P::backoff(200, 500ms, 300s, 1.0), 300s) << "no overflow far past the cap";
    std::chrono::milliseconds last{0};
    for (int n = 1; n < 12; ++n) {
        const auto d = P::backoff(n, 500ms, 300s, 1.0);
        EXPECT_GE(d, last);
        last = d;
    }
}

} // namespace
} // namespace dms::dmsd
