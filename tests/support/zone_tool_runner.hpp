// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Run zone_tool in-process, as `zone_tool -c CONFIG ARGS...`, capturing output.
// Header-only: only tests that link dms_zone_tool include it.

#include <sstream>
#include <string>
#include <vector>

#include "dms/zone_tool/cli.hpp"

namespace dms::test {

struct ToolResult {
    int status = 0;
    std::string out;
    std::string err;
};

inline ToolResult run_zone_tool(const std::string& config, std::vector<std::string> args) {
    std::ostringstream out;
    std::ostringstream err;
    args.insert(args.begin(), {"-c", config});
    const int st = zone_tool::main_entry(args, out, err);
    return {st, out.str(), err.str()};
}

/// The same as an operator at a terminal: questions are answered from `input`.
inline ToolResult run_zone_tool_answering(const std::string& config, std::vector<std::string> args,
                                          const std::string& input) {
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    args.insert(args.begin(), {"-c", config});
    const int st = zone_tool::main_entry(args, in, out, err, true);
    return {st, out.str(), err.str()};
}

} // namespace dms::test
