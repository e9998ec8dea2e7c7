// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// FUZZ_CHECK(condition, what): a property of the code under fuzzing. When it does
// not hold, the input is a finding: print why and abort, so libFuzzer keeps the
// input as a crash artifact.

#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(condition, what)                                                                \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", __FILE__, __LINE__,         \
                         #condition, std::string(what).c_str());                                   \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
