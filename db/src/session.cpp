// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/session.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"

#include "pqxx_access.hpp"
#include "statements.hpp"

namespace dms::db {
namespace {

constexpr int max_attempts = 5;

std::string describe(const DbSettings& s, std::string_view dbname) {
    return fmt::format("{}@{}:{}/{}", s.user, s.host.empty() ? "(local socket)" : s.host, s.port,
                       dbname);
}

std::unique_ptr<pqxx::connection> connect(const Session::Impl& impl) {
    try {
        auto conn = std::make_unique<pqxx::connection>(conninfo(impl.settings, impl.dbname));
        detail::declare_statements(*conn);
        for (const auto& [name, value] : impl.parameters) {
            conn->set_variable(name, value);
        }
        return conn;
    } catch (const pqxx::broken_connection& e) {
        // libpq's message is multi-line ("FATAL:  ..."); keep it on one line.
        std::string msg = e.what();
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        throw DatabaseUnavailable(fmt::format("cannot connect to {}: {}", impl.description, msg));
    }
}

} // namespace

void rethrow_db_error(std::string_view what, const std::exception& e) {
    if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
        throw DatabaseUnavailable(fmt::format("{}: connection lost: {}", what, e.what()));
    }
    if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
        if (sql->sqlstate() == "25006") {
            throw Error(ErrorCode::db_read_only,
                        fmt::format("{}: read-only replica: the database is a hot standby (DB in "
                                    "Read Only mode); make changes on the master site, or "
                                    "promote this one (dms_promote_replica)",
                                    what));
        }
        // Class 08 (connection exception); 57P01-57P03: the server shuts down, crashed
        // or does not take connections yet.
        const auto& state = sql->sqlstate();
        if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
            throw DatabaseUnavailable(
                fmt::format("{}: {} [SQLSTATE {}]", what, sql->what(), sql->sqlstate()));
        }
        throw DatabaseError(
            fmt::format("{}: {} [SQLSTATE {}]", what, sql->what(), sql->sqlstate()));
    }
    throw DatabaseError(fmt::format("{}: {}", what, e.what()));
}

std::string conninfo_quote(std::string_view value) {
    std::string out = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '\'';
    return out;
}

std::string conninfo(const DbSettings& s, std::string_view dbname) {
    std::string info =
        fmt::format("dbname={} user={} port={} connect_timeout={}", conninfo_quote(dbname),
                    conninfo_quote(s.user), s.port, s.connect_timeout);
    if (!s.host.empty()) {
        info += " host=" + conninfo_quote(s.host);
    }
    if (!s.password_file.empty()) {
        info += " password=" + conninfo_quote(read_db_password(s));
    }
    info += " application_name='dms'";
    return info;
}

Session::Session(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Session Session::open(const DbSettings& settings) {
    return open(settings, settings.name);
}

Session Session::open(const DbSettings& settings, std::string_view dbname) {
    auto impl = std::make_unique<Impl>();
    impl->settings = settings;
    impl->dbname = std::string(dbname);
    impl->description = db::describe(settings, dbname);
    impl->conn = connect(*impl);
    return Session(std::move(impl));
}

const std::string& Session::describe() const {
    return m_impl->description;
}
const DbSettings& Session::settings() const {
    return m_impl->settings;
}

void Session::set_parameter(const std::string& name, const std::string& value) {
    try {
        m_impl->conn->set_variable(name, value);
    } catch (const pqxx::failure& e) {
        rethrow_db_error(describe(), e);
    }
    m_impl->parameters.emplace_back(name, value);
}

bool Session::in_recovery() {
    return transaction("check recovery", [](Transaction& tx) {
        return work(tx).exec1("SELECT pg_is_in_recovery()")[0].as<bool>();
    });
}

void Session::execute_outside_transaction(std::string_view sql) {
    try {
        pqxx::nontransaction ntx(*m_impl->conn);
        ntx.exec(std::string(sql));
    } catch (const pqxx::failure& e) {
        rethrow_db_error(describe(), e);
    }
}

void Session::run(std::string_view what, const std::function<void(Transaction&)>& fn) {
    for (int attempt = 1;; ++attempt) {
        try {
            if (!m_impl->conn || !m_impl->conn->is_open()) {
                m_impl->conn = connect(*m_impl);
                m_impl->plans_made = std::chrono::steady_clock::now();
            } else if (const auto now = std::chrono::steady_clock::now();
                       now - m_impl->plans_made >= m_impl->settings.plan_lifetime) {
                // Prepared statements stay; their plans are made afresh (DbSettings).
                pqxx::nontransaction(*m_impl->conn, "discard plans").exec0("DISCARD PLANS");
                m_impl->plans_made = now;
            }
            pqxx::work w(*m_impl->conn, std::string(what));
            Transaction::Impl timpl{w};
            Transaction tx(timpl);
            fn(tx);
            w.commit();
            return;
        } catch (const pqxx::serialization_failure& e) {
            if (attempt >= max_attempts) {
                rethrow_db_error(what, e);
            }
            log::info(describe(), what, "serialization failure, retrying ({}/{})", attempt,
                      max_attempts);
        } catch (const pqxx::deadlock_detected& e) {
            if (attempt >= max_attempts) {
                rethrow_db_error(what, e);
            }
            log::warning(describe(), what, "deadlock, retrying ({}/{})", attempt, max_attempts);
        } catch (const pqxx::in_doubt_error& e) {
            // The commit may or may not have happened: never retry.
            rethrow_db_error(what, e);
        } catch (const pqxx::broken_connection& e) {
            if (attempt >= max_attempts) {
                rethrow_db_error(what, e);
            }
            // Whoever retries later says whether the database is gone (dmsd: one line
            // when it goes, one when it is back).
            log::debug(describe(), what, "connection lost, reconnecting ({}/{})", attempt,
                       max_attempts);
            m_impl->conn.reset();
        } catch (const pqxx::failure& e) {
            rethrow_db_error(what, e);
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            // libpqxx usage and conversion errors: a bug in the caller's SQL or types.
            throw Error(ErrorCode::internal, fmt::format("{}: {}", what, e.what()));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt * attempt));
    }
}

// SAVEPOINT cannot be prepared, so these are the db layer's only unnamed statements.
// (pqxx::subtransaction would take the parent pqxx::work's focus, so that every
// repository would have to issue its SQL through the subtransaction object.)
Savepoint::Savepoint(Transaction& tx) : m_tx(tx) {
    work(m_tx).exec0("SAVEPOINT dms_savepoint");
}

Savepoint::~Savepoint() {
    if (m_open) {
        try {
            rollback();
        } catch (...) { // NOLINT(bugprone-empty-catch): the transaction is failing anyway
        }
    }
}

void Savepoint::release() {
    m_open = false;
    work(m_tx).exec0("RELEASE SAVEPOINT dms_savepoint");
}

void Savepoint::rollback() {
    m_open = false;
    work(m_tx).exec0("ROLLBACK TO SAVEPOINT dms_savepoint");
    work(m_tx).exec0("RELEASE SAVEPOINT dms_savepoint");
}

} // namespace dms::db
