// SPDX-License-Identifier: GPL-3.0-or-later
// dmsd's HTTPS listener (issue 16, docs/api.md): the operations endpoints with a real
// HTTPS client (curl) on loopback against a dmsd with a real PostgreSQL and named:
// /health and /ready, keep-alive, unknown paths and methods, an oversized request
// refused before its body is read, a client that does not trust the certificate
// refused, and /ready failing while the database is gone (and /health not).
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <sys/resource.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dms/core/file_util.hpp"
#include "dms/core/process.hpp"
#include "dms/db/session.hpp"

#include "dms_system.hpp"
#include "named_fixture.hpp"

namespace dms::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class DmsdApi : public DmsSystem {
protected:
    void SetUp() override {
        DMS_REQUIRE_TOOLS(installed_program("curl").empty() || installed_program("openssl").empty()
                              ? std::string("curl or openssl not installed")
                              : std::string());
        // A self-signed pair for 127.0.0.1, and a second one nobody trusts here.
        for (const auto* name : {"api", "other"}) {
            RunOptions o;
            o.timeout = 60s;
            const auto r =
                run_process({installed_program("openssl"), "req", "-x509", "-newkey", "ec",
                             "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                             "-keyout", (m_tls.path() / (std::string(name) + ".key")).string(),
                             "-out", (m_tls.path() / (std::string(name) + ".pem")).string()},
                            o);
            ASSERT_TRUE(r.ok()) << r.err;
        }
        DmsSystem::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        // The port it chose (api_port 0), from its log line.
        ASSERT_TRUE(wait_for([&] {
            std::smatch m;
            const auto log = read_file(m_dmsd_log);
            static const std::regex re(R"(https://127\.0\.0\.1:([0-9]+)/)");
            if (!std::regex_search(log, m, re)) {
                return false;
            }
            m_port = std::stoi(m[1].str());
            return true;
        })) << read_file(m_dmsd_log);
    }
    std::string extra_dmsd_config() const override {
        return "api_port = 0\napi_timeout = 5\napi_max_request_bytes = 1000\n"
               "api_max_connections = 100\n"
               "api_tls_cert_file = " +
               (m_tls.path() / "api.pem").string() +
               "\napi_tls_key_file = " + (m_tls.path() / "api.key").string() + "\n";
    }
    std::string url(const std::string& path) const {
        return "https://127.0.0.1:" + std::to_string(m_port) + path;
    }
    /// curl with the api certificate as its only trust anchor; `extra` before the URL.
    ProcessResult curl(const std::vector<std::string>& extra, const std::string& path,
                       const std::string& ca = "api.pem") {
        std::vector<std::string> argv{
            installed_program("curl"),    "-sS", "--max-time",    "10", "--cacert",
            (m_tls.path() / ca).string(), "-w",  "\n%{http_code}"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back(url(path));
        RunOptions o;
        o.timeout = 20s;
        return run_process(argv, o);
    }
    /// The status code curl printed last (-w), "" if none.
    static std::string code(const ProcessResult& r) {
        const auto nl = r.out.rfind('\n');
        return nl == std::string::npos ? std::string() : r.out.substr(nl + 1);
    }

    TempDir m_tls;
    int m_port = 0;
};

TEST_F(DmsdApi, HealthAndReadyAnswerOverTls) {
    auto r = curl({}, "/health");
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(code(r), "200");
    EXPECT_THAT(r.out, HasSubstr("ok"));
    r = curl({}, "/ready");
    EXPECT_EQ(code(r), "200") << r.out;
    EXPECT_THAT(r.out, HasSubstr("ready"));
    // Both on one keep-alive connection.
    r = curl({"-v", "--next", "--cacert", (m_tls.path() / "api.pem").string(), url("/ready")},
             "/health");
    EXPECT_TRUE(r.ok()) << r.err;
    EXPECT_THAT(r.err, HasSubstr("Re-using existing connection"));
    // Paths and methods it does not serve.
    EXPECT_EQ(code(curl({}, "/nothing")), "404");
    r = curl({"-X", "DELETE"}, "/health");
    EXPECT_EQ(code(r), "405");
}

TEST_F(DmsdApi, OversizedRequestsAndUntrustedCertificatesAreRefused) {
    // 5,000 bytes declared, 1,000 allowed: 413 from the header alone.
    const auto body = m_tls.write("big", std::string(5000, 'x'));
    auto r = curl({"-X", "POST", "--data-binary", "@" + body, "-H", "Content-Type: text/plain"},
                  "/health");
    EXPECT_EQ(code(r), "413") << r.out << r.err;
    // A client that trusts another certificate: the handshake fails.
    r = curl({}, "/health", "other.pem");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(code(r), "200");
    // And dmsd serves on.
    EXPECT_EQ(code(curl({}, "/health")), "200");
}

// /metrics: the Prometheus text format (every sample line well-formed, under its
// family's HELP and TYPE), with the database's gauges and the listener's own counters.
TEST_F(DmsdApi, MetricsAreValidPrometheusTextWithTheQueueZonesServersAndRequests) {
    ASSERT_EQ(zt({"create_zone", "m.test."}).status, 0);
    ASSERT_TRUE(wait_for([&] { return zone_state("m.test.") == "PUBLISHED"; }));
    ASSERT_EQ(code(curl({}, "/health")), "200");
    const auto r = curl({"-D", "-"}, "/metrics");
    ASSERT_EQ(code(r), "200") << r.out;
    EXPECT_THAT(r.out, HasSubstr("text/plain; version=0.0.4"));
    const auto body = r.out.substr(r.out.find("\r\n\r\n") + 4);
    std::istringstream in(body.substr(0, body.rfind('\n')));
    static const std::regex sample(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? -?[0-9.]+(e[-+]?[0-9]+)?)");
    static const std::regex help(R"(# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
    std::set<std::string> typed;
    std::string line;
    int samples = 0;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, help)) {
            if (m[1] == "TYPE") {
                typed.insert(m[2]);
            }
            continue;
        }
        ASSERT_TRUE(std::regex_match(line, m, sample)) << "not a sample line: " << line;
        auto family = m[1].str();
        for (const auto* suffix : {"_sum", "_count"}) {
            if (!typed.contains(family) && family.ends_with(suffix)) {
                family.resize(family.size() - std::string(suffix).size());
            }
        }
        EXPECT_TRUE(typed.contains(family)) << line << ": no TYPE line before it";
        ++samples;
    }
    EXPECT_GT(samples, 10);
    EXPECT_THAT(body, HasSubstr("dms_up 1\n"));
    EXPECT_THAT(body, HasSubstr("dms_database_up 1\n"));
    EXPECT_THAT(body, HasSubstr("dms_zones{state=\"PUBLISHED\"} 1\n"));
    EXPECT_THAT(body, ::testing::ContainsRegex("dms_master_state\\{state=\"(READY|HOLD)\"\\} 1"));
    EXPECT_THAT(body, ::testing::ContainsRegex(
                          "dms_api_requests_total\\{path=\"/health\",code=\"200\"\\} [1-9]"));
    EXPECT_THAT(body, HasSubstr("dms_events_oldest_pending_age_seconds "));
}

// 1,000 TLS connections at once, each asking /health and staying open (keep-alive):
// dmsd serves api_max_connections of them (100 here), closes the rest at once, logs
// it, and serves the next client normally once they are gone.
TEST_F(DmsdApi, AThousandConnectionsAtOnceAreBoundedAndDmsdServesOn) {
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < 1500 && files.rlim_max > files.rlim_cur) {
        files.rlim_cur = std::min<rlim_t>(files.rlim_max, 4096);
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    ASSERT_GE(files.rlim_cur, 1200U) << "too few file descriptors for 1,000 connections";
    namespace asio = boost::asio;
    namespace ssl = asio::ssl;
    asio::io_context io;
    ssl::context tls(ssl::context::tls_client);
    tls.load_verify_file((m_tls.path() / "api.pem").string());
    tls.set_verify_mode(ssl::verify_peer);
    struct Client {
        explicit Client(asio::io_context& io, ssl::context& tls) : stream(io, tls) {}
        ssl::stream<asio::ip::tcp::socket> stream;
        std::string request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        asio::streambuf reply;
        bool ok = false;
    };
    std::vector<std::unique_ptr<Client>> clients;
    const asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"),
                                         static_cast<unsigned short>(m_port));
    for (int i = 0; i < 1000; ++i) {
        auto& c = *clients.emplace_back(std::make_unique<Client>(io, tls));
        c.stream.next_layer().async_connect(server, [&c](const boost::system::error_code& ec) {
            if (ec) {
                return;
            }
            c.stream.async_handshake(
                ssl::stream_base::client, [&c](const boost::system::error_code& ec2) {
                    if (ec2) {
                        return;
                    }
                    asio::async_write(
                        c.stream, asio::buffer(c.request),
                        [&c](const boost::system::error_code& ec3, std::size_t) {
                            if (ec3) {
                                return;
                            }
                            asio::async_read_until(
                                c.stream, c.reply, "\r\n\r\n",
                                [&c](const boost::system::error_code& ec4, std::size_t) {
                                    if (!ec4) {
                                        std::istream in(&c.reply);
                                        std::string line;
                                        std::getline(in, line);
                                        c.ok = line.starts_with("HTTP/1.1 200");
                                    }
                                });
                        });
                });
        });
    }
    // Every connection answered or refused; none closed by us meanwhile.
    io.run_for(60s);
    const auto served =
        std::count_if(clients.begin(), clients.end(), [](const auto& c) { return c->ok; });
    EXPECT_GE(served, 1);
    EXPECT_LE(served, 100) << "more served at once than api_max_connections";
    EXPECT_THAT(read_file(m_dmsd_log), HasSubstr("(api_max_connections): one more closed"));
    clients.clear();
    // Once they are gone, a new client is served; dmsd is still there.
    EXPECT_TRUE(wait_for([&] { return code(curl({}, "/health")) == "200"; }, 30s));
    EXPECT_TRUE(m_dmsd.running());
}

TEST_F(DmsdApi, ReadyIsUnavailableWithoutTheDatabaseAndHealthStaysUp) {
    ASSERT_EQ(code(curl({}, "/ready")), "200");
    // The database goes away (its connections are ended and new ones refused).
    auto admin = db::Session::open(m_settings, "postgres");
    admin.execute_outside_transaction("ALTER DATABASE " + m_settings.name +
                                      " WITH ALLOW_CONNECTIONS false");
    admin.execute_outside_transaction(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
        m_settings.name + "'");
    ProcessResult r;
    EXPECT_TRUE(wait_for([&] {
        r = curl({}, "/ready");
        return code(r) == "503";
    })) << r.out;
    EXPECT_THAT(r.out, HasSubstr("not ready: database"));
    EXPECT_EQ(code(curl({}, "/health")), "200");
    admin.execute_outside_transaction("ALTER DATABASE " + m_settings.name +
                                      " WITH ALLOW_CONNECTIONS true");
    EXPECT_TRUE(wait_for([&] { return code(curl({}, "/ready")) == "200"; }, 30s));
}

} // namespace
} // namespace dms::test
