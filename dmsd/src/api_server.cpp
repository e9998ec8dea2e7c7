// SPDX-License-Identifier: GPL-3.0-or-later
// dmsd's HTTPS listener (api_server.hpp). Boost.Beast lives in this translation unit
// only.
#include "api_server.hpp"

#include <atomic>
#include <map>
#include <optional>
#include <thread>
#include <type_traits>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/db/master.hpp"
#include "dms/db/metrics.hpp"
#include "dms/db/session.hpp"

namespace dms::dmsd {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct ApiServer::Impl {
    explicit Impl(const Config& c)
        : config(c), max_connections(static_cast<int>(c.number("api_max_connections"))),
          timeout(c.duration("api_timeout")),
          max_request(static_cast<std::uint64_t>(c.number("api_max_request_bytes"))) {}

    const Config& config;
    asio::io_context io{1};
    ssl::context tls{ssl::context::tls_server};
    tcp::acceptor acceptor{io};
    std::thread thread;
    std::atomic<int> connections{0};
    int max_connections;
    std::chrono::milliseconds timeout;
    std::uint64_t max_request;
    std::optional<db::Session> session; ///< the API thread's own
    /// Requests answered, by path ("other" for the rest) and status; the API thread's.
    std::map<std::pair<std::string, int>, std::int64_t> requests;
    std::map<std::string, std::pair<std::int64_t, double>> durations; ///< count, seconds

    void accept();
    /// `fn` in a transaction of the listener's session (opened when there is none);
    /// nothing, with the error in `why`, when the database fails (the session is
    /// dropped, to be opened again next time).
    template <typename F>
    auto read(std::string_view what, F&& fn, std::string& why)
        -> std::optional<std::invoke_result_t<F, db::Transaction&>> {
        try {
            if (!session) {
                session.emplace(db::Session::open(config.db));
            }
            return session->transaction(what, std::forward<F>(fn));
        } catch (const std::exception& e) {
            session.reset();
            why = e.what();
            return std::nullopt;
        }
    }
    /// "" when ready, else why not.
    std::string not_ready();
    /// The Prometheus text exposition of /metrics.
    std::string metrics();
    void count(const std::string& path, int status, std::chrono::steady_clock::duration took) {
        const auto key = path == "/health" || path == "/ready" || path == "/metrics"
                             ? path
                             : std::string("other");
        ++requests[{key, status}];
        auto& d = durations[key];
        ++d.first;
        d.second += std::chrono::duration<double>(took).count();
    }
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(tcp::socket socket, ApiServer::Impl& server)
        : m_stream(std::move(socket), server.tls), m_server(server) {
        beast::error_code ec;
        const auto ep = beast::get_lowest_layer(m_stream).socket().remote_endpoint(ec);
        m_peer = ec ? std::string("?") : fmt::format("{}:{}", ep.address().to_string(), ep.port());
    }
    ~Connection() { --m_server.connections; }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void run() {
        beast::get_lowest_layer(m_stream).expires_after(m_server.timeout);
        m_stream.async_handshake(
            ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
                if (ec) {
                    log::debug("api " + self->m_peer, "tls", "handshake: {}", ec.message());
                    return self->close();
                }
                self->read();
            });
    }

private:
    void read() {
        m_parser.emplace();
        m_parser->header_limit(16 * 1024);
        // Checked against Content-Length before any of the body is read.
        m_parser->body_limit(m_server.max_request);
        beast::get_lowest_layer(m_stream).expires_after(m_server.timeout);
        http::async_read(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream) {
            return shutdown();
        }
        if (ec == http::error::body_limit || ec == http::error::header_limit) {
            log::warning("api " + m_peer, "request", "refused: {}", ec.message());
            respond(http::status::payload_too_large, "request too large\n", false, 11);
            return;
        }
        if (ec) {
            return close();
        }
        const auto req = m_parser->release();
        handle(req);
    }

    void handle(const http::request<http::string_body>& req) {
        const auto target = std::string(req.target());
        m_path = target.substr(0, target.find('?'));
        m_started = std::chrono::steady_clock::now();
        const auto& path = m_path;
        const bool keep = req.keep_alive();
        if (path != "/health" && path != "/ready" && path != "/metrics") {
            return respond(http::status::not_found, "not found\n", keep, req.version());
        }
        if (req.method() != http::verb::get && req.method() != http::verb::head) {
            return respond(http::status::method_not_allowed, "GET or HEAD\n", keep, req.version(),
                           "GET, HEAD");
        }
        if (path == "/health") {
            return respond(http::status::ok, "ok\n", keep, req.version());
        }
        if (path == "/metrics") {
            return respond(http::status::ok, m_server.metrics(), keep, req.version(), nullptr,
                           "text/plain; version=0.0.4; charset=utf-8");
        }
        const auto why = m_server.not_ready();
        if (why.empty()) {
            return respond(http::status::ok, "ready\n", keep, req.version());
        }
        respond(http::status::service_unavailable, "not ready: " + why + "\n", keep, req.version());
    }

    void respond(http::status status, std::string body, bool keep, unsigned version,
                 const char* allow = nullptr,
                 const char* content_type = "text/plain; charset=utf-8") {
        m_server.count(m_path, static_cast<int>(status),
                       std::chrono::steady_clock::now() - m_started);
        m_response = {};
        m_response.version(version);
        m_response.result(status);
        m_response.set(http::field::server, "dmsd");
        m_response.set(http::field::content_type, content_type);
        if (allow != nullptr) {
            m_response.set(http::field::allow, allow);
        }
        m_response.body() = std::move(body);
        m_response.keep_alive(keep);
        m_response.prepare_payload();
        beast::get_lowest_layer(m_stream).expires_after(m_server.timeout);
        http::async_write(m_stream, m_response,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                  return self->close();
                              }
                              if (!self->m_response.keep_alive()) {
                                  return self->shutdown();
                              }
                              self->read();
                          });
    }

    void shutdown() {
        beast::get_lowest_layer(m_stream).expires_after(m_server.timeout);
        m_stream.async_shutdown([self = shared_from_this()](beast::error_code) { self->close(); });
    }

    void close() {
        beast::error_code ec;
        beast::get_lowest_layer(m_stream).socket().shutdown(tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(m_stream).close();
    }

    beast::ssl_stream<beast::tcp_stream> m_stream;
    ApiServer::Impl& m_server;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    http::response<http::string_body> m_response;
    std::string m_peer;
    std::string m_path; ///< of the request in hand ("" before one is read)
    std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
};

/// A label value: backslash, double quote and newline escaped.
std::string label(std::string_view v) {
    std::string out;
    for (const char c : v) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

} // namespace

void ApiServer::Impl::accept() {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) {
            return;
        }
        if (ec) {
            log::warning("api", "accept", "{}", ec.message());
        } else if (connections.load() >= max_connections) {
            log::warning("api", "accept",
                         "{} connections open (api_max_connections): one more closed",
                         connections.load());
            beast::error_code ignored;
            socket.close(ignored);
        } else {
            ++connections;
            std::make_shared<Connection>(std::move(socket), *this)->run();
        }
        accept();
    });
}

std::string ApiServer::Impl::not_ready() {
    std::string why;
    const auto m = read(
        "ready", [](db::Transaction& tx) { return db::master::get(tx); }, why);
    if (!m) {
        return "database: " + why;
    }
    return m->state == "READY" || m->state == "HOLD" ? std::string() : "MasterSM is " + m->state;
}

std::string ApiServer::Impl::metrics() {
    std::string out;
    family(out, "dms_up", "gauge", "1 while dmsd serves");
    out += "dms_up 1\n";
    std::string why;
    const auto snap = read(
        "metrics", [](db::Transaction& tx) { return db::metrics::read(tx); }, why);
    if (!snap) {
        log::warning("api", "metrics", "database: {}", why);
    }
    family(out, "dms_database_up", "gauge", "1 when the database answered this scrape");
    out += fmt::format("dms_database_up {}\n", snap ? 1 : 0);
    if (snap) {
        const auto& m = *snap;
        family(out, "dms_events_pending", "gauge", "events not yet processed, by type");
        for (const auto& [type, n] : m.pending_by_type) {
            out += fmt::format("dms_events_pending{{type=\"{}\"}} {}\n", label(type), n);
        }
        family(out, "dms_events_retrying", "gauge", "pending events waiting for a retry");
        out += fmt::format("dms_events_retrying {}\n", m.retrying);
        family(out, "dms_events_failed", "gauge", "events that failed for good, until vacuumed");
        out += fmt::format("dms_events_failed {}\n", m.failed);
        family(out, "dms_events_oldest_pending_age_seconds", "gauge",
               "age of the oldest pending event (0: none)");
        out += fmt::format("dms_events_oldest_pending_age_seconds {:.3f}\n",
                           m.oldest_pending_age.value_or(0));
        family(out, "dms_events_overdue_seconds", "gauge",
               "how long the longest-due pending event has been due (0: none)");
        out += fmt::format("dms_events_overdue_seconds {:.3f}\n", m.overdue.value_or(0));
        family(out, "dms_zones", "gauge", "zones by ZoneSM state");
        for (const auto& [state, n] : m.zones_by_state) {
            out += fmt::format("dms_zones{{state=\"{}\"}} {}\n", label(state), n);
        }
        family(out, "dms_servers", "gauge", "servers by ServerSM state");
        for (const auto& [state, n] : m.servers_by_state) {
            out += fmt::format("dms_servers{{state=\"{}\"}} {}\n", label(state), n);
        }
        family(out, "dms_servers_lagging_zones", "gauge",
               "zones behind the master, summed over the enabled servers");
        out += fmt::format("dms_servers_lagging_zones {}\n", m.lagging_zones);
        family(out, "dms_master_state", "gauge", "1 for the MasterSM's state");
        out += fmt::format("dms_master_state{{state=\"{}\"}} 1\n", label(m.master_state));
    }
    family(out, "dms_api_requests_total", "counter", "requests answered, by path and status");
    for (const auto& [key, n] : requests) {
        out += fmt::format("dms_api_requests_total{{path=\"{}\",code=\"{}\"}} {}\n",
                           label(key.first), key.second, n);
    }
    family(out, "dms_api_request_duration_seconds", "summary",
           "time from a request read to its answer, by path");
    for (const auto& [path, d] : durations) {
        out += fmt::format("dms_api_request_duration_seconds_sum{{path=\"{}\"}} {:.6f}\n",
                           label(path), d.second);
        out += fmt::format("dms_api_request_duration_seconds_count{{path=\"{}\"}} {}\n",
                           label(path), d.first);
    }
    family(out, "dms_api_connections", "gauge", "connections open");
    out += fmt::format("dms_api_connections {}\n", connections.load());
    return out;
}

ApiServer::ApiServer(const Config& config) : m_impl(std::make_unique<Impl>(config)) {
    auto& s = *m_impl;
    const auto& cert = config.value("api_tls_cert_file");
    const auto& key = config.value("api_tls_key_file");
    if (key.empty()) {
        throw Error(ErrorCode::config, "api_tls_cert_file is set: api_tls_key_file is needed too");
    }
    // TLS 1.2 or later, never compression or renegotiation by the client.
    s.tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression | ssl::context::single_dh_use);
    try {
        s.tls.use_certificate_chain_file(cert);
    } catch (const std::exception& e) {
        throw Error(ErrorCode::config, fmt::format("api_tls_cert_file {}: {}", cert, e.what()));
    }
    try {
        s.tls.use_private_key_file(key, ssl::context::pem);
    } catch (const std::exception& e) {
        throw Error(ErrorCode::config, fmt::format("api_tls_key_file {}: {}", key, e.what()));
    }
    const auto port = config.number("api_port");
    if (port < 0 || port > 65535) {
        throw Error(ErrorCode::config, fmt::format("api_port {}: expected 0-65535", port));
    }
    beast::error_code ec;
    const auto address = asio::ip::make_address(config.value("api_address"), ec);
    if (ec) {
        throw Error(ErrorCode::config,
                    fmt::format("api_address '{}': {}", config.value("api_address"), ec.message()));
    }
    const tcp::endpoint ep(address, static_cast<unsigned short>(port));
    s.acceptor.open(ep.protocol(), ec);
    if (!ec) {
        s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        s.acceptor.bind(ep, ec);
    }
    if (!ec) {
        s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("API listener on {}:{}: {}",
                                               ep.address().to_string(), port, ec.message()));
    }
}

ApiServer::~ApiServer() {
    stop();
}

int ApiServer::port() const {
    beast::error_code ec;
    return m_impl->acceptor.local_endpoint(ec).port();
}

void ApiServer::start() {
    auto& s = *m_impl;
    s.accept();
    s.thread = std::thread([&s] {
        try {
            s.io.run();
        } catch (const std::exception& e) {
            log::error("api", "serve", "{}", e.what());
        }
    });
    log::info("api", "listen", "https://{}:{}/ (health, ready, metrics), at most {} connections",
              m_impl->config.value("api_address"), port(), s.max_connections);
}

void ApiServer::stop() {
    auto& s = *m_impl;
    if (!s.thread.joinable()) {
        return;
    }
    asio::post(s.io, [&s] {
        beast::error_code ec;
        s.acceptor.close(ec);
    });
    s.io.stop();
    s.thread.join();
}

} // namespace dms::dmsd
