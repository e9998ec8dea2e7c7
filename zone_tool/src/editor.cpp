// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor.hpp"

#include <cerrno>
#include <cstdlib>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "dms/core/error.hpp"

extern char** environ; // NOLINT(readability-redundant-declaration)

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
    std::vector<char*> cargv;
    for (auto& a : argv) {
        cargv.push_back(a.data());
    }
    cargv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, cargv[0], nullptr, nullptr, cargv.data(), environ) != 0) {
        throw Error(ErrorCode::io, fmt::format("cannot start editor '{}'", argv[0]));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace dms::zone_tool
