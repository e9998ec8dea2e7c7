// SPDX-License-Identifier: GPL-3.0-or-later
// edit_zone: the $EDITOR loop of REFERENCE.md 5.3 (Update/Abort/Change/Diff, re-edit at
// the first error line, edit lock tickled while the editor runs). Unlike the original it
// starts from the candidate (the newest saved ZI) and its save is refused when another
// ZI became the candidate meanwhile: merge, update anyway or abort (docs/zone_tool.md).
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
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
        : m_thread([=, this, zone = std::move(zone), file = std::move(file)] {
              loop(config, zone, token, file, interval);
          }) {}
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
    if (!ctx.interactive()) {
        return 'u';
    }
    const auto answer = ctx.ask("--[U]/a/c/d> ");
    if (!answer) {
        return 'a';
    }
    return answer->empty() ? 'u' : static_cast<char>(std::tolower((*answer)[0]));
}

/// The text of a ZI as the editor shows it.
std::string zone_text(const engine::ZoneView& view, bool header = true) {
    PrintOptions po;
    po.header = header;
    return print_zone_text(view.data, header_of(view), po);
}

/// The editor's file for `zone`: "example.org.zone" (a '/' of a classless reverse
/// zone, or any other odd character, becomes '_').
std::string file_name(const std::string& zone) {
    std::string name = zone.empty() ? "zone." : zone;
    for (auto& c : name) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-' && c != '_') {
            c = '_';
        }
    }
    return name.ends_with('.') ? name + "zone" : name + ".zone";
}

/// The first line of a diff3 conflict in `text` (1-based), or 0.
int first_conflict_line(const std::string& text) {
    std::istringstream lines(text);
    int n = 0;
    for (std::string line; std::getline(lines, line);) {
        ++n;
        if (line.starts_with("<<<<<<<")) {
            return n;
        }
    }
    return 0;
}

/// One edit session: the temporary files, the edit lock and the ZI the copy came from.
struct Edit {
    std::string name;
    std::optional<std::int64_t> token;
    std::optional<std::int64_t> base; ///< the zone's candidate when the copy was taken
    std::string file;                 ///< what the editor edits
    std::string orig;                 ///< what it started from (for d and the merge)
    std::string original;             ///< the same text
    int line = 0;                     ///< where the editor opens
};

enum class Resolution { abort, update_anyway, merged };

/// The zone changed since the copy was taken: show what changed meanwhile and ask.
/// Update anyway: the edit replaces it. Merge: the changes made in the editor are
/// applied to the current content (diff3) and the result goes back to the editor, with
/// conflict markers where both changed the same lines. Abort: nothing saved.
Resolution resolve_conflict(Context& ctx, Edit& ed, const engine::ZoneChangedError& e) {
    auto& zis = ctx.zis();
    if (!e.current()) {
        return Resolution::abort;
    }
    const auto now = zis.show_zi_by_id(*e.current());
    const auto then = e.base() ? std::optional(zis.show_zi_by_id(*e.base())) : std::nullopt;
    auto show_diff = [&] {
        fmt::print(ctx.out(), "What changed since your copy was taken:\n");
        diff_texts(ctx, then ? zone_text(*then, false) : std::string(),
                   then ? fmt::format("ZI {} (your copy)", then->zi.id) : "(none)",
                   zone_text(now, false), fmt::format("ZI {} (now)", now.zi.id));
    };
    fmt::print(ctx.err(), "zone_tool: edit_zone: {}\n", e.what());
    show_diff();
    while (true) {
        const auto answer = ctx.ask("--[M]erge and re-edit/u(pdate anyway)/a(bort)/d(iff)> ");
        const char c =
            !answer ? 'a'
            : answer->empty()
                ? 'm'
                : static_cast<char>(std::tolower(static_cast<unsigned char>((*answer)[0])));
        if (c == 'a') {
            return Resolution::abort;
        }
        if (c == 'd') {
            show_diff();
            continue;
        }
        if (c == 'u') {
            ed.base = e.current();
            return Resolution::update_anyway;
        }
        if (c != 'm') {
            continue;
        }
        const auto current = zone_text(now);
        const auto theirs = ed.file + ".now";
        std::ofstream(theirs) << current;
        const std::vector<std::string> argv{
            "diff3", "-m",        "-L",  "your edit",
            "-L",    "your copy", "-L",  fmt::format("ZI {} (now)", now.zi.id),
            ed.file, ed.orig,     theirs};
        // The whole merged text: run_process keeps 16 MB of output unless told otherwise.
        RunOptions options;
        options.max_output = std::numeric_limits<std::size_t>::max();
        const auto r = run_process(argv, options);
        std::remove(theirs.c_str());
        if (r.exit_code > 1 || r.timed_out || r.truncated) {
            throw Error(ErrorCode::io, describe_failure(argv, r));
        }
        std::ofstream(ed.file) << r.out;
        std::ofstream(ed.orig) << current;
        ed.original = current;
        ed.base = e.current();
        ed.line = first_conflict_line(r.out);
        if (ed.line > 0) {
            fmt::print(ctx.out(),
                       "Your changes and ZI {} touch the same lines: resolve the "
                       "conflict markers.\n",
                       now.zi.id);
        }
        return Resolution::merged;
    }
}

ExitStatus edit_zone(Context& ctx, Args args) {
    Edit ed;
    ed.name = args[0];
    const std::string spec = args.size() > 1 ? args[1] : "";
    auto& zones = ctx.zones();
    auto& zis = ctx.zis();
    ed.token = zones.edit_lock(ed.name);
    auto release = [&] {
        if (ed.token) {
            zones.release_edit_lock(ed.name, ed.token);
        }
    };
    engine::ZoneView view;
    try {
        view = zis.edit_view(ed.name, spec);
    } catch (...) {
        release();
        throw;
    }
    ed.base = view.zone.zi_candidate_id;
    // The files (the copy, what it started from, the merge's third text) in a
    // directory of our own: their names can be known in advance, nobody else can make
    // them. It goes, with them, whichever way the edit ends.
    std::optional<TempDirectory> dir;
    try {
        dir.emplace("zone_tool-edit.");
    } catch (...) {
        release();
        throw;
    }
    ed.file = dir->file(file_name(view.zone.name));
    ed.orig = ed.file + ".orig";
    ed.original = zone_text(view);
    std::ofstream(ed.file) << ed.original;
    std::ofstream(ed.orig) << ed.original;
    const auto& name = ed.name;

    while (true) {
        bool lost = false;
        {
            std::optional<Tickler> tickler;
            if (ed.token) {
                tickler.emplace(ctx.config(), name, *ed.token, ed.file, std::chrono::seconds(30));
            }
            run_editor(ed.file, ed.line);
            lost = tickler && tickler->lost();
        }
        if (lost) {
            fmt::print(ctx.err(),
                       "zone_tool: edit_zone: the edit lock of {} was lost; "
                       "nothing saved\n",
                       name);
            return ExitStatus::temp_fail;
        }
        const auto text = slurp(ed.file);
        if (text == ed.original) {
            release();
            fmt::print(ctx.out(), "{}: no change\n", name);
            return ExitStatus::ok;
        }
        const char choice = prompt(ctx);
        if (choice == 'a') {
            release();
            fmt::print(ctx.out(), "{}: edit aborted\n", name);
            return ExitStatus::temp_fail;
        }
        if (choice == 'c') {
            ed.line = 0;
            continue;
        }
        if (choice == 'd') {
            diff_texts(ctx, slurp(ed.orig), "original", text, "edited");
            continue;
        }
        auto check = zones.check_zone_text(text, view.zone.name);
        if (check.ok()) {
            std::optional<Resolution> resolved;
            while (!resolved || *resolved == Resolution::update_anyway) {
                try {
                    const auto zi = zis.save_zone_content(name, check.zone, ed.token, ed.base);
                    fmt::print(ctx.out(), "{}: saved as ZI {}\n", name, zi);
                    return ExitStatus::ok;
                } catch (const engine::ZoneChangedError& e) {
                    if (!ctx.interactive()) {
                        release();
                        fmt::print(ctx.err(),
                                   "zone_tool: edit_zone: {}\n"
                                   "(what changed: zone_tool diff_zone_zi {} {} {})\n",
                                   e.what(), name, e.base().value_or(0), e.current().value_or(0));
                        return e.exit_status();
                    }
                    resolved = resolve_conflict(ctx, ed, e);
                    if (*resolved == Resolution::abort) {
                        release();
                        fmt::print(ctx.out(), "{}: edit aborted\n", name);
                        return ExitStatus::temp_fail;
                    }
                } catch (const Error& e) {
                    if (e.code() != ErrorCode::zi_text_parse) {
                        release();
                        throw;
                    }
                    fmt::print(ctx.err(), "{}\n", e.what());
                    break;
                }
            }
            if (resolved == Resolution::merged) {
                continue; // back to the editor with the merged text
            }
        } else {
            ctx.err() << format_findings(ed.file, check.findings);
            for (const auto& f : check.findings) {
                if (f.severity == Severity::error) {
                    ed.line = f.line;
                    break;
                }
            }
        }
        if (!ctx.interactive()) {
            release();
            return ExitStatus::data_err;
        }
        const auto answer = ctx.ask("Re-edit? [Y]/n> ");
        if (!answer || (!answer->empty() && std::tolower((*answer)[0]) == 'n')) {
            release();
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
