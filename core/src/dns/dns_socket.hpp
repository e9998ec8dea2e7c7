// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The sockets of the DNS client (dns_client.cpp only): one TCP connection or
// connected UDP socket per exchange, non-blocking, every wait bounded by a deadline,
// and each failure classified as the contract's Status (dms/core/dns_client.hpp).

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/error.hpp"

namespace dms::dns::socket_detail {

using Clock = std::chrono::steady_clock;

/// What went wrong on the socket, as the contract's Status.
struct NetError {
    Status status;
    std::string text;
};

inline NetError errno_error(int err, std::string_view doing) {
    const bool timed_out = err == ETIMEDOUT;
    return {timed_out ? Status::timeout : Status::unreachable,
            fmt::format("{}: {}", doing, std::strerror(err))};
}

/// A socket connected to one server, closed on destruction.
class Connection {
public:
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }

    /// Connects to `server`; from `source` (an address of this machine, any port) when
    /// it is not empty.
    std::optional<NetError> open(const Server& server, bool tcp, Clock::time_point deadline,
                                 const std::string& source = {}) {
        if (server.port < 1 || server.port > 65535) {
            throw Error(ErrorCode::usage, fmt::format("bad DNS server port {}", server.port));
        }
        sockaddr_storage addr{};
        const socklen_t len = socket_address(server.address, server.port, "DNS server", addr);
        m_tcp = tcp;
        m_fd = ::socket(addr.ss_family,
                        (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (m_fd < 0) {
            return errno_error(errno, "socket");
        }
        if (!source.empty()) {
            sockaddr_storage from{};
            const socklen_t from_len = socket_address(source, 0, "source", from);
            if (from.ss_family != addr.ss_family) {
                throw Error(ErrorCode::usage,
                            fmt::format("source address {} and server address {} are not of "
                                        "the same family",
                                        source, server.address));
            }
            if (::bind(m_fd, reinterpret_cast<sockaddr*>(&from), from_len) != 0) {
                return errno_error(errno, "bind to " + source);
            }
        }
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), len) == 0) {
            return std::nullopt;
        }
        if (errno != EINPROGRESS) {
            return errno_error(errno, "connect");
        }
        if (auto e = wait(POLLOUT, deadline, "no connection")) {
            return e;
        }
        int err = 0;
        socklen_t err_len = sizeof err;
        if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) {
            err = errno;
        }
        return err == 0 ? std::nullopt : std::optional(errno_error(err, "connect"));
    }

    /// Sends one message (with the 2-byte length over TCP).
    std::optional<NetError> send(const std::vector<std::uint8_t>& wire,
                                 Clock::time_point deadline) {
        std::vector<std::uint8_t> out;
        if (m_tcp) {
            out = {static_cast<std::uint8_t>(wire.size() >> 8),
                   static_cast<std::uint8_t>(wire.size() & 0xff)};
        }
        out.insert(out.end(), wire.begin(), wire.end());
        std::size_t done = 0;
        while (done < out.size()) {
            const auto n = ::send(m_fd, out.data() + done, out.size() - done, MSG_NOSIGNAL);
            if (n >= 0) {
                done += static_cast<std::size_t>(n);
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (auto e = wait(POLLOUT, deadline, "could not send the query")) {
                    return e;
                }
            } else if (errno != EINTR) {
                return errno_error(errno, "send");
            }
        }
        return std::nullopt;
    }

    /// Reads one complete message.
    std::optional<NetError> receive(std::vector<std::uint8_t>& msg, Clock::time_point deadline) {
        if (!m_tcp) {
            msg.resize(65535);
            if (auto e = read_some(msg.data(), msg.size(), deadline)) {
                return e;
            }
            msg.resize(m_last);
            return std::nullopt;
        }
        std::uint8_t head[2];
        if (auto e = read_exactly(head, 2, deadline)) {
            return e;
        }
        msg.resize(static_cast<std::size_t>(head[0]) << 8 | head[1]);
        if (msg.empty()) {
            return NetError{Status::malformed, "a message of length 0"};
        }
        return read_exactly(msg.data(), msg.size(), deadline);
    }

private:
    /// `address` (IPv4 or IPv6 literal) and `port` as a socket address; its length.
    static socklen_t socket_address(const std::string& address, int port, std::string_view what,
                                    sockaddr_storage& addr) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
        if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
            v4->sin_family = AF_INET;
            v4->sin_port = htons(static_cast<std::uint16_t>(port));
            return sizeof *v4;
        }
        if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
            v6->sin6_family = AF_INET6;
            v6->sin6_port = htons(static_cast<std::uint16_t>(port));
            return sizeof *v6;
        }
        throw Error(ErrorCode::usage,
                    fmt::format("bad {} address '{}': not an IP address", what, address));
    }

    std::optional<NetError> wait(short events, Clock::time_point deadline, std::string_view what) {
        for (;;) {
            const auto left = std::chrono::ceil<Millis>(deadline - Clock::now()).count();
            pollfd p{m_fd, events, 0};
            const int r = left <= 0 ? 0 : ::poll(&p, 1, static_cast<int>(left));
            if (r > 0) {
                return std::nullopt;
            }
            if (r == 0) {
                return NetError{Status::timeout, fmt::format("{} within the timeout", what)};
            }
            if (errno != EINTR) {
                return errno_error(errno, "poll");
            }
        }
    }

    std::optional<NetError> read_some(std::uint8_t* p, std::size_t n, Clock::time_point deadline) {
        for (;;) {
            const auto got = ::recv(m_fd, p, n, 0);
            if (got > 0) {
                m_last = static_cast<std::size_t>(got);
                return std::nullopt;
            }
            if (got == 0) {
                return NetError{Status::malformed, "connection closed by the server"};
            }
            if (errno == ECONNRESET) {
                return NetError{Status::malformed, "connection reset by the server"};
            }
            if (errno == ECONNREFUSED) { // UDP: ICMP port unreachable
                return errno_error(errno, "recv");
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return errno_error(errno, "recv");
            }
            if (auto e = wait(POLLIN, deadline, "no complete reply")) {
                return e;
            }
        }
    }

    std::optional<NetError> read_exactly(std::uint8_t* p, std::size_t n,
                                         Clock::time_point deadline) {
        while (n > 0) {
            if (auto e = read_some(p, n, deadline)) {
                return e;
            }
            p += m_last;
            n -= m_last;
        }
        return std::nullopt;
    }

    int m_fd = -1;
    bool m_tcp = true;
    std::size_t m_last = 0;
};

/// "127.0.0.1:53 example.org. SOA", "[::1]:53 ...": who and what, for error texts.
inline std::string subject(const Server& s, std::string_view zone, std::string_view what) {
    if (s.address.find(':') != std::string::npos) {
        return fmt::format("[{}]:{} {} {}", s.address, s.port, zone, what);
    }
    return fmt::format("{}:{} {} {}", s.address, s.port, zone, what);
}

/// Sends one message and reads the one reply (its wire form into `reply`), all
/// within `timeout`; from `source` if not empty (see Connection::open).
inline std::optional<NetError> exchange(const Server& server,
                                        const std::vector<std::uint8_t>& query, bool tcp,
                                        Millis timeout, std::vector<std::uint8_t>& reply,
                                        const std::string& source = {}) {
    const auto deadline = Clock::now() + timeout;
    Connection c;
    if (auto e = c.open(server, tcp, deadline, source)) {
        return e;
    }
    if (auto e = c.send(query, deadline)) {
        return e;
    }
    return c.receive(reply, deadline);
}

} // namespace dms::dns::socket_detail
