// SPDX-License-Identifier: GPL-3.0-or-later
#include <iostream>

#include "dms/zone_tool/cli.hpp"

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    return dms::zone_tool::main_entry(args, std::cout, std::cerr);
}
