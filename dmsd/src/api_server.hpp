// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// dmsd's HTTPS listener (issue 16; docs/api.md). This first part serves the operations
// endpoints for load balancers and monitoring:
//   GET /health   200 "ok": dmsd runs and answers (liveness)
//   GET /ready    200 "ready" when the database answers and the MasterSM is READY or
//                 HOLD; 503 with the reason otherwise
// Everything else: 404; another method on these paths: 405.
//
// TLS 1.2 or later only, with api_tls_cert_file / api_tls_key_file; HTTP/1.1 with
// keep-alive; a request's header and body are bounded (jsonrpc_max_content_length,
// checked from Content-Length before the body is read: 413); every read, write and TLS
// handshake is bounded by api_timeout; at most api_max_connections at once (one more
// is closed at once, counted in the log). One thread of its own, with its own database
// session (re-opened when lost); stop() closes the listener and every connection.

#include <memory>

#include "dms/core/config.hpp"

namespace dms::dmsd {

class ApiServer {
public:
    /// dmsd serves the API when api_tls_cert_file is set.
    static bool configured(const Config& config) {
        return !config.value("api_tls_cert_file").empty();
    }
    /// Binds api_address:api_port (port 0: a free one, see port()).
    /// @throws dms::Error(config) for an unreadable certificate or key, (io) when the
    ///         address cannot be bound
    explicit ApiServer(const Config& config);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    /// The port it listens on.
    int port() const;
    /// Serve on a thread of its own until stop().
    void start();
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace dms::dmsd
