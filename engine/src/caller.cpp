// SPDX-License-Identifier: GPL-3.0-or-later
// Who runs this process, for change_by, locked_by and audit_log: the account of the
// real uid (the password database), never $USER or $LOGNAME, which anyone can set.
#include "dms/engine/caller.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "dms/core/host.hpp"

namespace dms::engine {
namespace {

/// The account name of `uid`, or "uid<N>" when the password database has none.
std::string account_name(uid_t uid) {
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
        found->pw_name != nullptr && *found->pw_name != '\0') {
        return found->pw_name;
    }
    return fmt::format("uid{}", uid);
}

struct ProcStatus {
    std::string name; ///< the command name (Name:)
    pid_t ppid = 0;   ///< PPid:
    long long ruid = -1;
};

std::optional<ProcStatus> proc_status(pid_t pid) {
    std::ifstream in(fmt::format("/proc/{}/status", pid));
    if (!in) {
        return std::nullopt;
    }
    ProcStatus st;
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string key;
        words >> key;
        if (key == "Name:") {
            words >> st.name;
        } else if (key == "PPid:") {
            words >> st.ppid;
        } else if (key == "Uid:") {
            words >> st.ruid; // real, effective, saved, filesystem
        }
    }
    return st;
}

/// The uid of the account sudo says ran it (SUDO_UID), if an ancestor of this process
/// is a sudo whose real uid is that account's: sudo keeps the invoking user's real uid.
/// The variables alone prove nothing: anyone can set them.
std::optional<uid_t> sudo_invoker() {
    const char* env = std::getenv("SUDO_UID");
    if (env == nullptr || *env == '\0') {
        return std::nullopt;
    }
    long long claimed = -1;
    const std::string_view s(env);
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), claimed);
    if (ec != std::errc{} || p != s.data() + s.size() || claimed < 0) {
        return std::nullopt;
    }
    pid_t pid = getppid();
    for (int depth = 0; depth < 64 && pid > 1; ++depth) {
        const auto st = proc_status(pid);
        if (!st) {
            break;
        }
        if (st->name == "sudo" && st->ruid == claimed) {
            return static_cast<uid_t>(claimed);
        }
        pid = st->ppid;
    }
    return std::nullopt;
}

} // namespace

std::string local_login_id() {
    std::string id = fmt::format("{}@{}", account_name(getuid()), host_name());
    // Through sudo: SUDO_USER names who ran it, taken only when it is the account of
    // SUDO_UID and a sudo among this process's ancestors runs with that real uid.
    const char* sudo_user = std::getenv("SUDO_USER");
    if (const auto by = sudo_invoker();
        by && *by != getuid() && sudo_user != nullptr && account_name(*by) == sudo_user) {
        id += fmt::format(" (sudo {})", sudo_user);
    }
    return id;
}

Caller local_caller() {
    return Caller{local_login_id(), "Admin", this_process()};
}

} // namespace dms::engine
