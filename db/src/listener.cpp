// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/db/listener.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "dms/core/error.hpp"
#include "dms/db/session.hpp"

namespace dms::db {
namespace {

class Receiver : public pqxx::notification_receiver {
public:
    Receiver(pqxx::connection_base& conn, const std::string& channel)
        : pqxx::notification_receiver(conn, channel) {}
    void operator()(const std::string& /*payload*/, int /*backend_pid*/) override { ++m_count; }
    int take() {
        const int n = m_count;
        m_count = 0;
        return n;
    }

private:
    int m_count = 0;
};

} // namespace

struct Listener::Impl {
    std::string description;
    std::unique_ptr<pqxx::connection> conn;
    std::unique_ptr<Receiver> receiver;
};

Listener::Listener(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Listener::Listener(Listener&&) noexcept = default;
Listener& Listener::operator=(Listener&&) noexcept = default;
Listener::~Listener() = default;

Listener Listener::open(const DbSettings& settings, const std::string& channel) {
    auto impl = std::make_unique<Impl>();
    impl->description = fmt::format("{}@{}:{}/{} LISTEN {}", settings.user, settings.host,
                                    settings.port, settings.name, channel);
    try {
        impl->conn = std::make_unique<pqxx::connection>(conninfo(settings, settings.name));
        impl->receiver = std::make_unique<Receiver>(*impl->conn, channel);
        // The LISTEN is sent on first use; make it now so nothing is missed after open().
        impl->conn->get_notifs();
    } catch (const pqxx::broken_connection& e) {
        std::string msg = e.what();
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        throw DatabaseUnavailable(fmt::format("{}: {}", impl->description, msg));
    } catch (const pqxx::failure& e) {
        std::string msg = e.what();
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        throw DatabaseError(fmt::format("{}: {}", impl->description, msg));
    }
    return Listener(std::move(impl));
}

int Listener::socket() const {
    return m_impl->conn->sock();
}

int Listener::consume() {
    try {
        if (!m_impl->conn->is_open()) {
            throw DatabaseUnavailable(m_impl->description + ": connection lost");
        }
        m_impl->conn->get_notifs();
        return m_impl->receiver->take();
    } catch (const pqxx::broken_connection& e) {
        throw DatabaseUnavailable(fmt::format("{}: {}", m_impl->description, e.what()));
    } catch (const pqxx::failure& e) {
        throw DatabaseError(fmt::format("{}: {}", m_impl->description, e.what()));
    }
}

} // namespace dms::db
