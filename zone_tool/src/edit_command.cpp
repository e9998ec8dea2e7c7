// SPDX-License-Identifier: GPL-3.0-or-later
// edit_zone: the $EDITOR loop of REFERENCE.md 5.3 (Update/Abort/Change/Diff, re-edit at
// the first error line, edit lock tickled while the editor runs).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/process.hpp"
#include "dms/core/zone_text.hpp"
#include "dms/zone_tool/cli.hpp"

#include "editor.hpp"
#include "output.hpp"

namespace dms::zone_tool {
namespace {

struct FileStamp {
    timespec mtime{};
    off_t size = 0;
    ino_t inode = 0;
    bool operator==(const FileStamp& o) const {
        return mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
               size == o.size && inode == o.inode;
    }
};

FileStamp stamp(const std::string& file) {
    struct stat st {};
    stat(file.c_str(), &st);
    return {st.st_mtim, st.st_size, st.st_ino};
}

std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Tickles the edit lock every interval while the editor runs, if the file changed.
class Tickler {
public:
    Tickler(const Config& config, std::string zone, std::int64_t token, std::string file,
            std::chrono::seconds interval)
        : m_thread([=, this] { loop(config, zone, token, file, interval); }) {}
    ~Tickler() {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
    bool lost() const { return m_lost; }

private:
    void loop(const Config& config, const std::string& zone, std::int64_t token,
              const std::string& file, std::chrono::seconds interval) {
        auto last = stamp(file);
        std::unique_lock lock(m_mutex);
        while (!m_cv.wait_for(lock, interval, [this] { return m_stop; })) {
            const auto now = stamp(file);
            if (now == last) {
                continue;
            }
            last = now;
            try {
                // A session of its own: the command's session belongs to the main thread.
                auto session = db::Session::open(config.db);
                engine::ZoneEngine zones(session, config, engine::local_caller());
                zones.tickle_edit_lock(zone, token);
            } catch (const Error& e) {
                log::warning("zone " + zone, "edit_zone", "edit lock lost: {}", e.what());
                m_lost = true;
                return;
            }
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::atomic<bool> m_lost{false};
    std::thread m_thread;
};

char prompt(Context& ctx) {
    if (isatty(STDIN_FILENO) == 0) {
        return 'u';
    }
    ctx.out() << "--[U]/a/c/d> ";
    ctx.out().flush();
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        return 'a';
    }
    return answer.empty() ? 'u' : static_cast<char>(std::tolower(answer[0]));
}

ExitStatus edit_zone(Context& ctx, Args args) {
    const std::string name = args[0];
    const std::string spec = args.size() > 1 ? args[1] : "";
    auto& zones = ctx.zones();
    const auto token = zones.edit_lock(name);
    auto release = [&] {
        if (token) {
            zones.release_edit_lock(name, token);
        }
    };
    engine::ZoneView view;
    try {
        view = zones.show_zone(name, spec);
    } catch (...) {
        release();
        throw;
    }
    char tmpl[] = "/tmp/zone_tool-XXXXXX.zone";
    const int fd = mkstemps(tmpl, 5);
    if (fd < 0) {
        release();
        throw Error(ErrorCode::io, "cannot create a temporary file for the editor");
    }
    close(fd);
    const std::string file = tmpl;
    const std::string orig = file + ".orig";
    const auto original = print_zone_text(view.data, header_of(view));
    std::ofstream(file) << original;
    std::ofstream(orig) << original;
    auto cleanup = [&] {
        std::remove(file.c_str());
        std::remove(orig.c_str());
    };

    int line = 0;
    while (true) {
        bool lost = false;
        {
            std::optional<Tickler> tickler;
            if (token) {
                tickler.emplace(ctx.config(), name, *token, file, std::chrono::seconds(30));
            }
            run_editor(file, line);
            lost = tickler && tickler->lost();
        }
        if (lost) {
            cleanup();
            fmt::print(ctx.err(),
                       "zone_tool: edit_zone: the edit lock of {} was lost; "
                       "nothing saved\n",
                       name);
            return ExitStatus::temp_fail;
        }
        const auto text = slurp(file);
        if (text == original) {
            release();
            cleanup();
            fmt::print(ctx.out(), "{}: no change\n", name);
            return ExitStatus::ok;
        }
        const char choice = prompt(ctx);
        if (choice == 'a') {
            release();
            cleanup();
            fmt::print(ctx.out(), "{}: edit aborted\n", name);
            return ExitStatus::temp_fail;
        }
        if (choice == 'c') {
            line = 0;
            continue;
        }
        if (choice == 'd') {
            const std::vector<std::string> argv{"diff",    "-uNw",   "--label", "original",
                                                "--label", "edited", orig,      file};
            ctx.out() << run_process(argv).out;
            continue;
        }
        auto check = zones.check_zone_text(text, view.zone.name);
        if (check.ok()) {
            try {
                const auto zi = zones.save_zone_content(name, std::move(check.zone), token);
                cleanup();
                fmt::print(ctx.out(), "{}: saved as ZI {}\n", name, zi);
                return ExitStatus::ok;
            } catch (const Error& e) {
                if (e.code() != ErrorCode::zi_text_parse) {
                    cleanup();
                    release();
                    throw;
                }
                fmt::print(ctx.err(), "{}\n", e.what());
            }
        } else {
            ctx.err() << format_findings(file, check.findings);
            for (const auto& f : check.findings) {
                if (f.severity == Severity::error) {
                    line = f.line;
                    break;
                }
            }
        }
        if (isatty(STDIN_FILENO) == 0) {
            release();
            cleanup();
            return ExitStatus::data_err;
        }
        ctx.out() << "Re-edit? [Y]/n> ";
        ctx.out().flush();
        std::string answer;
        if (!std::getline(std::cin, answer) ||
            (!answer.empty() && std::tolower(answer[0]) == 'n')) {
            release();
            cleanup();
            return ExitStatus::data_err;
        }
    }
}

} // namespace

void add_edit_commands(std::vector<Command>& t) {
    t.push_back({"edit_zone", "<domain> [zi-id]",
                 "edit a zone in $EDITOR and publish the result ([U]pdate, a(bort), c(hange), "
                 "d(iff))",
                 1, 2, "", "", edit_zone});
}

} // namespace dms::zone_tool
