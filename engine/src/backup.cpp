// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/backup.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/file_util.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/process.hpp"
#include "dms/db/schema.hpp"
#include "dms/db/session.hpp"

namespace dms::engine {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// "20261207T163000Z"
std::string utc_stamp() {
    const auto t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

/// Whether `s` is a utc_stamp().
bool is_stamp(std::string_view s) {
    if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') {
        return false;
    }
    for (std::size_t i = 0; i < 15; ++i) {
        if (i != 8 && std::isdigit(static_cast<unsigned char>(s[i])) == 0) {
            return false;
        }
    }
    return true;
}

/// A pgpass line's field: ':' and '\' escaped.
std::string pgpass_field(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == ':' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

/// libpq's environment for pg_dump/pg_restore against `dbname`: host, port, user,
/// database, time limit, and the password (if any) through a private pgpass file that
/// lives as long as this object.
class PgEnv {
public:
    PgEnv(const DbSettings& s, const std::string& dbname) {
        if (!s.host.empty()) {
            env.push_back("PGHOST=" + s.host);
        }
        env.push_back("PGPORT=" + std::to_string(s.port));
        env.push_back("PGUSER=" + s.user);
        env.push_back("PGDATABASE=" + dbname);
        env.push_back("PGCONNECT_TIMEOUT=" + std::to_string(s.connect_timeout));
        env.push_back("PGAPPNAME=dms-backup");
        if (!s.password_file.empty()) {
            m_pgpass.emplace("dms-pgpass-");
            const auto line = "*:*:*:*:" + pgpass_field(read_db_password(s)) + "\n";
            if (::write(m_pgpass->fd(), line.data(), line.size()) !=
                static_cast<ssize_t>(line.size())) {
                throw Error(ErrorCode::io, fmt::format("{}: cannot write", m_pgpass->path()));
            }
            m_pgpass->close();
            env.push_back("PGPASSFILE=" + m_pgpass->path());
        }
    }
    std::vector<std::string> env;

private:
    std::optional<TempFile> m_pgpass;
};

ProcessResult run_tool(const std::vector<std::string>& argv, const PgEnv& env,
                       std::chrono::milliseconds timeout) {
    RunOptions o;
    o.timeout = timeout;
    o.extra_env = env.env;
    return run_process(argv, o);
}

std::chrono::milliseconds since(Clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
}

} // namespace

DumpReport dump_db(const Config& config, const std::optional<std::string>& dir,
                   std::optional<int> keep) {
    const auto t0 = Clock::now();
    const auto& db = config.db;
    const auto where = dir.value_or(config.value("dump_dir"));
    const auto copies = keep.value_or(static_cast<int>(config.number("dump_keep")));
    if (copies < 1) {
        throw Error(ErrorCode::usage, fmt::format("dump_keep {}: keep at least one dump", copies));
    }
    make_directories(where);
    DumpReport r;
    const auto base = fmt::format("dms-{}-", db.name);
    r.path = fmt::format("{}/{}{}.dump", where, base, utc_stamp());
    const auto tmp = r.path + ".part";
    PgEnv env(db, db.name);
    const std::vector<std::string> argv{config.value("pg_dump_path"), "--format=custom",
                                        "--file=" + tmp};
    const auto res = run_tool(argv, env, config.duration("dump_timeout"));
    if (!res.ok()) {
        remove_file(tmp);
        throw Error(ErrorCode::io, fmt::format("dump of {} to {}: {}", db.name, r.path,
                                               describe_failure(argv, res)));
    }
    std::error_code ec;
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
    fs::rename(tmp, r.path, ec);
    if (ec) {
        remove_file(tmp);
        throw Error(ErrorCode::io,
                    fmt::format("{}: cannot rename {}: {}", r.path, tmp, ec.message()));
    }
    r.bytes = fs::file_size(r.path, ec);
    // Rotation: this database's dumps by name (the time sorts), newest kept.
    std::vector<std::string> dumps;
    for (const auto& e : fs::directory_iterator(where, ec)) {
        const auto name = e.path().filename().string();
        if (e.is_regular_file() && name.starts_with(base) && name.ends_with(".dump") &&
            is_stamp(std::string_view(name).substr(base.size(), name.size() - base.size() - 5))) {
            dumps.push_back(e.path().string());
        }
    }
    std::sort(dumps.begin(), dumps.end());
    for (std::size_t i = 0; i + static_cast<std::size_t>(copies) < dumps.size(); ++i) {
        remove_file(dumps[i]);
        r.removed.push_back(dumps[i]);
    }
    r.took = since(t0);
    log::info("database " + db.name, "dump_db", "{} written ({} bytes) in {} ms; {} older removed",
              r.path, r.bytes, r.took.count(), r.removed.size());
    return r;
}

RestoreDbReport restore_db(const Config& config, const std::string& file) {
    const auto t0 = Clock::now();
    const auto& db = config.db;
    if (pid_file_locked(config.value("dmsd_pid_file"))) {
        throw Error(ErrorCode::dmsd_still_running,
                    fmt::format("dmsd is running ({} is locked): stop it first",
                                config.value("dmsd_pid_file")));
    }
    if (::access(file.c_str(), R_OK) != 0) {
        throw Error(ErrorCode::io, fmt::format("{}: cannot be read", file));
    }
    const auto timeout = config.duration("dump_timeout");
    {
        // A custom-format dump? pg_restore lists its contents, or says what is wrong.
        PgEnv env(db, "postgres");
        const std::vector<std::string> argv{config.value("pg_restore_path"), "--list", file};
        const auto list = run_tool(argv, env, timeout);
        if (!list.ok()) {
            throw Error(ErrorCode::io, fmt::format("{}: {}", file, describe_failure(argv, list)));
        }
    }
    const auto stamp = utc_stamp();
    std::string suffix = stamp;
    std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto fresh = fmt::format("{}_restore_{}", db.name, suffix);
    const auto before = fmt::format("{}_before_{}", db.name, suffix);
    auto admin = db::Session::open(db, "postgres");
    RestoreDbReport r;
    r.database = db.name;
    const auto q = [](const std::string& name) { return "\"" + name + "\""; };
    const bool exists = admin.transaction(
        "restore_db", [&](db::Transaction& tx) { return db::database_exists(tx, db.name); });
    if (exists) {
        const auto others = admin.transaction(
            "restore_db", [&](db::Transaction& tx) { return db::other_connections(tx, db.name); });
        if (!others.empty()) {
            throw Error(ErrorCode::dmsd_still_running,
                        fmt::format("database {} is in use ({}): stop what uses it first", db.name,
                                    others));
        }
    }
    // The application role owns the database and what is in it (the restored objects
    // too: the dump's owners and grants are not replayed); upgrade_db below, run by a
    // superuser, gives the audit trail to dms_audit again.
    std::string app, me;
    admin.transaction("restore_db", [&](db::Transaction& tx) {
        app = exists ? db::database_owner(tx, db.name) : db.user;
        me = db::current_role_name(tx);
    });
    admin.execute_outside_transaction(
        fmt::format("CREATE DATABASE {} OWNER {} TEMPLATE template0", q(fresh), q(app)));
    try {
        PgEnv env(db, fresh);
        std::vector<std::string> argv{config.value("pg_restore_path"),
                                      "--exit-on-error",
                                      "--single-transaction",
                                      "--no-owner",
                                      "--no-privileges",
                                      "--dbname=" + fresh};
        if (app != me) {
            argv.push_back("--role=" + app);
        }
        argv.push_back(file);
        const auto res = run_tool(argv, env, timeout);
        if (!res.ok()) {
            throw Error(ErrorCode::io, fmt::format("restore of {} into {}: {}", file, fresh,
                                                   describe_failure(argv, res)));
        }
    } catch (...) {
        try {
            admin.execute_outside_transaction(fmt::format("DROP DATABASE IF EXISTS {}", q(fresh)));
        } catch (const std::exception& e) {
            log::error("database " + fresh, "restore_db", "could not drop it: {}", e.what());
        }
        throw;
    }
    if (exists) {
        admin.execute_outside_transaction(
            fmt::format("ALTER DATABASE {} RENAME TO {}", q(db.name), q(before)));
        r.kept_as = before;
    }
    try {
        admin.execute_outside_transaction(
            fmt::format("ALTER DATABASE {} RENAME TO {}", q(fresh), q(db.name)));
    } catch (...) {
        if (exists) {
            admin.execute_outside_transaction(
                fmt::format("ALTER DATABASE {} RENAME TO {}", q(before), q(db.name)));
        }
        throw;
    }
    auto session = db::Session::open(db);
    const auto change = db::upgrade_schema(session);
    r.schema_from = change.from;
    r.schema_to = change.to;
    r.took = since(t0);
    log::notice("database " + db.name, "restore_db",
                "restored from {} (schema {} -> {}) in {} ms{}", file, r.schema_from, r.schema_to,
                r.took.count(), r.kept_as.empty() ? "" : "; the previous one is " + r.kept_as);
    return r;
}

} // namespace dms::engine
