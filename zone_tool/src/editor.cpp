// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor.hpp"

#include <cstdlib>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/process.hpp"

#include "terminal.hpp"

namespace dms::zone_tool {

std::vector<std::string> editor_argv() {
    std::string cmd;
    for (const char* var : {"VISUAL", "EDITOR"}) {
        if (const char* v = std::getenv(var); v != nullptr && *v != '\0') {
            cmd = v;
            break;
        }
    }
    if (cmd.empty()) {
        cmd = access("/usr/bin/editor", X_OK) == 0 ? "/usr/bin/editor" : "vi";
    }
    std::vector<std::string> argv;
    std::istringstream words(cmd);
    for (std::string w; words >> w;) {
        argv.push_back(w);
    }
    return argv;
}

bool run_editor(const std::string& file, int line) {
    auto argv = editor_argv();
    if (line > 0) {
        argv.push_back(fmt::format("+{}", line));
    }
    argv.push_back(file);
    // Ctrl-C belongs to the editor while it runs (as with system()).
    const ScopedSigint ignore(ScopedSigint::Mode::ignore);
    const auto r = run_process(argv, RunOptions::on_terminal());
    if (r.not_started) {
        throw Error(ErrorCode::io, "editor: " + r.err);
    }
    return r.ok();
}

} // namespace dms::zone_tool
