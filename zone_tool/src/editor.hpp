// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Running the operator's editor on a file.

#include <string>
#include <vector>

namespace dms::zone_tool {

/// $VISUAL, $EDITOR, /usr/bin/editor or vi, split into words (no shell involved).
std::vector<std::string> editor_argv();

/// Run the editor on the terminal on `file` (at `line` when > 0) and wait for it;
/// true if it exited 0. Throws Error(io) if it cannot be started.
bool run_editor(const std::string& file, int line = 0);

} // namespace dms::zone_tool
