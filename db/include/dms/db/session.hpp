// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A connection to the dms database and the transactions run on it.
//
// libpqxx never appears outside the db layer: repositories (in core/db/src) reach
// the underlying pqxx transaction through a private header. Callers see only
// Session, Transaction and dms::DatabaseError.
//
// Contract:
//  - Session::open() throws DatabaseError when the server cannot be reached or
//    the login fails (message names host, port, database; never the password).
//  - transaction() runs `fn` in one transaction and commits. Transient failures
//    (serialization failure, deadlock, lost connection) are retried a few times
//    from the start, so `fn` must not have side effects outside the database.
//    Other SQL errors roll back and throw DatabaseError (ErrorCode::db_read_only
//    on a hot standby). dms::Error thrown by `fn` rolls back and propagates.
//  - A Session is used by one thread at a time.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "dms/core/config.hpp"

namespace dms::db {

class Transaction;

class Session {
public:
    /// Connect to the database of `settings`.
    static Session open(const DbSettings& settings);
    /// Connect to `dbname` on the server of `settings` (maintenance use).
    static Session open(const DbSettings& settings, std::string_view dbname);

    Session(Session&&) noexcept;
    Session& operator=(Session&&) noexcept;
    ~Session();

    /// "user@host:port/dbname" for messages.
    const std::string& describe() const;
    const DbSettings& settings() const;

    /// Set a run-time parameter for this session and every reconnection of it
    /// (e.g. idle_in_transaction_session_timeout). Throws DatabaseError if refused.
    void set_parameter(const std::string& name, const std::string& value);

    /// True on a read-only hot standby.
    bool in_recovery();

    /// Run `fn(Transaction&)` in one committed transaction (see contract above).
    template <typename F>
    auto transaction(std::string_view what, F&& fn) {
        using R = std::invoke_result_t<F, Transaction&>;
        if constexpr (std::is_void_v<R>) {
            run(what, std::function<void(Transaction&)>(std::forward<F>(fn)));
        } else {
            std::optional<R> result;
            run(what, [&](Transaction& tx) { result.emplace(fn(tx)); });
            return std::move(*result);
        }
    }

    /// Execute SQL outside any transaction block (CREATE DATABASE, VACUUM).
    void execute_outside_transaction(std::string_view sql);

    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    explicit Session(std::unique_ptr<Impl> impl);
    void run(std::string_view what, const std::function<void(Transaction&)>& fn);

    std::unique_ptr<Impl> m_impl;
};

/// An open transaction; only repositories in the db layer can issue SQL on it.
class Transaction {
public:
    struct Impl;
    explicit Transaction(Impl& impl) : m_impl(&impl) {}
    Impl& impl() { return *m_impl; }

private:
    Impl* m_impl;
};

/// A savepoint in an open transaction: what is done between its opening and
/// rollback() can be undone without the rest of the transaction (SAVEPOINT, ROLLBACK
/// TO SAVEPOINT). release() keeps it; the destructor rolls back unless release() or
/// rollback() was called (and never throws). Savepoints nest: an inner one ends first.
/// Not a recovery from SQL errors: those abort the whole transaction (Session::run).
/// Each savepoint that writes takes a subtransaction id until the commit; keep them to
/// a few dozen per transaction (PostgreSQL caches 64 per backend, beyond that every
/// snapshot in the cluster gets slower).
class Savepoint {
public:
    explicit Savepoint(Transaction& tx);
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;
    ~Savepoint();

    /// Keep what was done since the savepoint (RELEASE SAVEPOINT).
    void release();
    /// Undo what was done since the savepoint (ROLLBACK TO SAVEPOINT, then RELEASE).
    void rollback();

private:
    Transaction& m_tx;
    bool m_open = true;
};

/// Quote `value` for a libpq conninfo string.
std::string conninfo_quote(std::string_view value);
/// The libpq conninfo string for `settings` (password read from its file).
/// Throws ConfigError when the password file cannot be read.
std::string conninfo(const DbSettings& settings, std::string_view dbname);

} // namespace dms::db
