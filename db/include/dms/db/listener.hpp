// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// LISTEN on a PostgreSQL notification channel, on a connection of its own.
//
// Contract: open() throws DatabaseError if it cannot connect. socket() is the fd to
// wait on for readability (poll, Asio); after it becomes readable, consume() reads
// input and returns how many notifications arrived. A lost connection makes consume()
// throw DatabaseError: open a new Listener then, and treat the gap as "something may
// have happened". Used by one thread at a time.

#include <memory>
#include <string>

#include "dms/core/config.hpp"

namespace dms::db {

class Listener {
public:
    static Listener open(const DbSettings& settings, const std::string& channel);
    Listener(Listener&&) noexcept;
    Listener& operator=(Listener&&) noexcept;
    ~Listener();

    int socket() const;
    /// Read what the server sent; the number of notifications received (0 if none).
    int consume();

    struct Impl;

private:
    explicit Listener(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace dms::db
