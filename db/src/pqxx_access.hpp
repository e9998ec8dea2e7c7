// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the db layer: what Session and Transaction wrap.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "dms/db/session.hpp"

namespace dms::db {

struct Session::Impl {
    DbSettings settings;
    std::string dbname;
    std::string description;
    std::unique_ptr<pqxx::connection> conn;
    std::vector<std::pair<std::string, std::string>> parameters; ///< set on every connect
    std::chrono::steady_clock::time_point plans_made = std::chrono::steady_clock::now();
};

struct Transaction::Impl {
    pqxx::work& work;
};

inline pqxx::work& work(Transaction& tx) {
    return tx.impl().work;
}

/// Turn a libpqxx exception into a dms error (never returns).
[[noreturn]] void rethrow_db_error(std::string_view what, const std::exception& e);

} // namespace dms::db
