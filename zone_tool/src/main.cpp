// SPDX-License-Identifier: GPL-3.0-or-later
#include <iostream>
#include <unistd.h>

#include "dms/zone_tool/cli.hpp"

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const bool interactive = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0;
    return dms::zone_tool::main_entry(args, std::cin, std::cout, std::cerr, interactive);
}
