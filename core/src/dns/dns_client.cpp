// SPDX-License-Identifier: GPL-3.0-or-later
// The DNS client: ldns builds, signs, verifies and reads the messages; the sockets
// are our own. ldns's resolver reports a refused connection, a timeout and a closed
// connection all as one LDNS_STATUS_NETWORK_ERR, and ldns_axfr_next() neither checks
// the TSIG of the answers nor tells a timeout from a garbled message, so the
// contract's Status could not be told apart through it.
//
// Timeouts: `timeout` bounds connecting plus sending, and then the wait for each
// complete reply message (for AXFR: each message of the transfer).
//
// ldns is used for messages only: building (ldns_pkt_query_new, ldns_update_pkt_new),
// TSIG (ldns_pkt_tsig_sign, ldns_pkt_tsig_verify_next), wire conversion and records
// (zone_detail::convert_rr, the zone parser's own canonical form).
#include "dms/core/dns_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdbool.h> // NOLINT(modernize-deprecated-headers): before ldns, see ldns_rr.cpp

#include <fmt/format.h>
#include <ldns/ldns.h>

#include "dms/core/error.hpp"

#include "../zone/ldns_rr.hpp"
#include "dns_reply.hpp"
#include "dns_socket.hpp"

namespace dms::dns {
namespace {

using socket_detail::Clock;
using socket_detail::Connection;
using socket_detail::exchange;
using socket_detail::NetError;
using socket_detail::subject;

struct PktFree {
    void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RdfFree {
    void operator()(ldns_rdf* p) const { ldns_rdf_deep_free(p); }
};
struct RrFree {
    void operator()(ldns_rr* p) const { ldns_rr_free(p); }
};
struct RrListFree {
    void operator()(ldns_rr_list* p) const { ldns_rr_list_deep_free(p); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFree>;
using RrPtr = std::unique_ptr<ldns_rr, RrFree>;
using RrListPtr = std::unique_ptr<ldns_rr_list, RrListFree>;

/// The zone's canonical absolute name; throws usage for a bad one.
std::string zone_name(std::string_view zone) {
    std::string error;
    auto name = zone_detail::canonical_name(zone, ".", error);
    if (!error.empty()) {
        throw Error(ErrorCode::usage, fmt::format("bad zone name '{}': {}", zone, error));
    }
    return name;
}

/// The wire form of `pkt`. @throws dms::Error(usage) if it is too large for TCP
std::vector<std::uint8_t> to_wire(const ldns_pkt* pkt) {
    std::uint8_t* buf = nullptr;
    std::size_t size = 0;
    const ldns_status st = ldns_pkt2wire(&buf, pkt, &size);
    const std::unique_ptr<std::uint8_t, decltype(&free)> owned(buf, &free);
    if (st != LDNS_STATUS_OK) {
        throw Error(ErrorCode::internal,
                    fmt::format("ldns cannot encode a message: {}", ldns_get_errorstr_by_id(st)));
    }
    if (size > 65535) {
        throw Error(ErrorCode::usage, fmt::format("a DNS message of {} bytes is too large", size));
    }
    return {buf, buf + size};
}

PktPtr make_query(const std::string& name, ldns_rr_type type) {
    PktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(name.c_str()), type, LDNS_RR_CLASS_IN, 0));
    if (!q) {
        throw std::bad_alloc();
    }
    ldns_pkt_set_random_id(q.get());
    return q;
}

RrPtr make_rr(const Record& rec, std::string_view zone, ldns_rr_class klass, bool zero_ttl) {
    const auto text = rec.text();
    std::string error;
    RrPtr rr(zone_detail::new_rr(text, error));
    if (!rr) {
        throw Error(
            ErrorCode::usage,
            fmt::format("update of {}: record '{:.200}' cannot be encoded: {}", zone, text, error));
    }
    ldns_rr_set_class(rr.get(), klass);
    if (zero_ttl) {
        ldns_rr_set_ttl(rr.get(), 0);
    }
    return rr;
}

/// RFC 2136: prerequisites "RR exists (value dependent)" are class IN with TTL 0,
/// deletes of one RR class NONE with TTL 0 (2.5.4), additions class IN.
PktPtr make_update(const std::string& zone, const Update& u) {
    const RrListPtr pr(ldns_rr_list_new());
    const RrListPtr up(ldns_rr_list_new());
    for (const auto& r : u.require) {
        ldns_rr_list_push_rr(pr.get(), make_rr(r, zone, LDNS_RR_CLASS_IN, true).release());
    }
    for (const auto& r : u.add_first) {
        ldns_rr_list_push_rr(up.get(), make_rr(r, zone, LDNS_RR_CLASS_IN, false).release());
    }
    for (const auto& r : u.remove) {
        ldns_rr_list_push_rr(up.get(), make_rr(r, zone, LDNS_RR_CLASS_NONE, true).release());
    }
    for (const auto& r : u.add) {
        ldns_rr_list_push_rr(up.get(), make_rr(r, zone, LDNS_RR_CLASS_IN, false).release());
    }
    PktPtr p(ldns_update_pkt_new(ldns_dname_new_frm_str(zone.c_str()), LDNS_RR_CLASS_IN, pr.get(),
                                 up.get(), nullptr));
    if (!p) {
        throw std::bad_alloc();
    }
    // ldns sets RD, but in an UPDATE header those bits must be zero (RFC 2136 2.2).
    ldns_pkt_set_rd(p.get(), false);
    ldns_pkt_set_random_id(p.get());
    return p;
}

/// Parses a reply and checks it belongs to `query`. Returns "" or what is wrong.
std::string read_reply(const std::vector<std::uint8_t>& wire, const ldns_pkt* query,
                       bool check_question, PktPtr& out) {
    ldns_pkt* raw = nullptr;
    const ldns_status st = ldns_wire2pkt(&raw, wire.data(), wire.size());
    out.reset(raw);
    if (st != LDNS_STATUS_OK) {
        return fmt::format("unreadable reply: {}", ldns_get_errorstr_by_id(st));
    }
    if (!ldns_pkt_qr(raw) || ldns_pkt_id(raw) != ldns_pkt_id(query) ||
        ldns_pkt_get_opcode(raw) != ldns_pkt_get_opcode(query)) {
        return "the reply does not match the query (QR bit, ID or opcode)";
    }
    const ldns_rr_list* q = ldns_pkt_question(raw);
    if (check_question && ldns_rr_list_rr_count(q) > 0) {
        const ldns_rr* mine = ldns_rr_list_rr(ldns_pkt_question(query), 0);
        const ldns_rr* theirs = ldns_rr_list_rr(q, 0);
        if (ldns_rr_list_rr_count(q) != 1 ||
            ldns_dname_compare(ldns_rr_owner(mine), ldns_rr_owner(theirs)) != 0 ||
            ldns_rr_get_type(mine) != ldns_rr_get_type(theirs) ||
            ldns_rr_get_class(mine) != ldns_rr_get_class(theirs)) {
            return "the reply is for another question";
        }
    }
    return {};
}

/// A TSIG key in the form ldns takes: names absolute and lower case, the algorithm
/// as its domain name. ldns 1.8 computes only these four: its table has no
/// hmac-sha224 and misspells hmac-sha384 ("hmac-shac384.").
class Tsig {
public:
    explicit Tsig(const TsigKey& key) : m_key(key.name), m_secret(key.secret) {
        std::string error;
        m_name = zone_detail::canonical_name(key.name, ".", error);
        if (!error.empty()) {
            throw Error(ErrorCode::usage, fmt::format("bad TSIG key name '{}'", key.name));
        }
        static constexpr std::pair<std::string_view, std::string_view> names[] = {
            {"hmac-md5", "hmac-md5.sig-alg.reg.int."},
            {"hmac-sha1", "hmac-sha1."},
            {"hmac-sha256", "hmac-sha256."},
            {"hmac-sha512", "hmac-sha512."}};
        for (const auto& [plain, dname] : names) {
            if (key.algorithm == plain) {
                m_algorithm = dname;
            }
        }
        if (m_algorithm.empty()) {
            throw Error(ErrorCode::usage,
                        fmt::format("TSIG key {}: algorithm '{}' is not supported (ldns signs "
                                    "with hmac-md5, hmac-sha1, hmac-sha256, hmac-sha512)",
                                    key.name, key.algorithm));
        }
    }
    Tsig(const Tsig&) = delete;
    Tsig& operator=(const Tsig&) = delete;
    ~Tsig() { explicit_bzero(m_secret.data(), m_secret.size()); }

    /// Signs `pkt`; returns its MAC (the reply's MAC covers it).
    /// @throws dms::Error(usage) if the signed message would be above 65,535 octets:
    ///         ldns signs in a buffer of that size and aborts the process beyond it
    RdfPtr sign(ldns_pkt* pkt) const {
        std::uint8_t* buf = nullptr;
        std::size_t size = 0;
        if (ldns_pkt2wire(&buf, pkt, &size) != LDNS_STATUS_OK) {
            size = 0;
        }
        free(buf); // NOLINT(cppcoreguidelines-no-malloc): ldns allocates with malloc
        // The TSIG record (RFC 8945 4.2), which also bounds the variables ldns digests
        // after the message: key name, class, TTL, RDLENGTH, algorithm name, time,
        // fudge, MAC size, a MAC of up to 64 octets, original id, error, other data.
        const std::size_t tsig =
            m_name.size() + 1 + 10 + m_algorithm.size() + 1 + 6 + 2 + 2 + 64 + 2 + 2 + 2 + 6;
        if (size + tsig > 65535) {
            throw Error(ErrorCode::usage,
                        fmt::format("a DNS message of {} octets with its TSIG is above the limit "
                                    "of 65535",
                                    size + tsig));
        }
        const ldns_status st = ldns_pkt_tsig_sign(pkt, m_name.c_str(), m_secret.c_str(), 300,
                                                  m_algorithm.c_str(), nullptr);
        if (st != LDNS_STATUS_OK) {
            throw Error(ErrorCode::usage, fmt::format("cannot sign with TSIG key {}: {}", m_key,
                                                      ldns_get_errorstr_by_id(st)));
        }
        return RdfPtr(ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(pkt), 3)));
    }

    /// "" if `reply` is signed and verifies against `prior_mac`, else what is wrong.
    /// A reply carrying a TSIG error (BADSIG, BADKEY: unsigned by RFC 8945 5.3.2) is
    /// not verified; its error goes to `tsig_error` and nothing else in it is used.
    std::string verify(ldns_pkt* reply, const std::vector<std::uint8_t>& wire,
                       const ldns_rdf* prior_mac, bool timers_only, int& tsig_error) const {
        tsig_error = 0;
        ldns_rr* const t = ldns_pkt_tsig(reply);
        if (t == nullptr) {
            return "the reply is not TSIG signed";
        }
        if (ldns_rr_rd_count(t) < 7) {
            return "the reply has a malformed TSIG record";
        }
        tsig_error = ldns_rdf2native_int16(ldns_rr_rdf(t, 5));
        if (tsig_error != 0) {
            return {};
        }
        const bool verified =
            ldns_pkt_tsig_verify_next(reply, wire.data(), wire.size(), m_name.c_str(),
                                      m_secret.c_str(), prior_mac, timers_only ? 1 : 0);
        // ldns 1.8 takes the TSIG out of the packet while it computes the MAC and, when
        // it cannot (an algorithm it does not know), returns without putting it back:
        // give it back to the packet, which frees it.
        if (ldns_pkt_tsig(reply) == nullptr) {
            ldns_pkt_set_tsig(reply, t);
        }
        if (!verified) {
            return fmt::format("the TSIG of the reply does not verify with key {}", m_key);
        }
        return {};
    }

private:
    std::string m_key;
    std::string m_name;
    std::string m_algorithm;
    std::string m_secret;
};

/// Collects the records of a transfer message by message and sees where it ends.
class AxfrReader {
public:
    AxfrReader(std::string zone, const std::vector<std::string>& skip) : m_zone(std::move(zone)) {
        for (const auto& s : skip) {
            std::string t = s;
            for (auto& c : t) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            m_skip.push_back(std::move(t));
        }
    }
    bool done() const { return m_done; }
    std::string progress() const {
        return m_count == 0 ? "" : fmt::format(" (after {} records)", m_count);
    }

    std::string add(ldns_pkt* msg, std::vector<Record>& out) {
        const ldns_rr_list* answer = ldns_pkt_answer(msg);
        for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
            ldns_rr* rr = ldns_rr_list_rr(answer, i);
            if (m_done) {
                return "records after the closing SOA";
            }
            ++m_count;
            zone_detail::LdnsRr t;
            if (auto e = zone_detail::convert_rr(rr, m_zone, t); !e.empty()) {
                return fmt::format("record {}: {}", m_count, e);
            }
            const bool soa = ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA;
            if (!t.class_in || (soa && t.owner != m_zone)) {
                return fmt::format("record {} is not of class IN or a foreign SOA", m_count);
            }
            if (!m_started) {
                if (!soa) {
                    return "the transfer does not start with the zone's SOA";
                }
                m_started = true;
            } else if (soa) {
                m_done = true;
                continue;
            } else if (std::find(m_skip.begin(), m_skip.end(), t.type) != m_skip.end()) {
                continue;
            }
            out.push_back({std::move(t.owner), t.ttl, std::move(t.type), std::move(t.rdata)});
        }
        return {};
    }

private:
    std::string m_zone;
    std::vector<std::string> m_skip;
    bool m_started = false;
    bool m_done = false;
    std::size_t m_count = 0;
};

/// The answer-reading half of query_soa: `wire` is the reply to `query`.
SoaReply read_soa_reply(const std::string& what, const ldns_pkt* query,
                        const std::vector<std::uint8_t>& wire) {
    SoaReply r;
    PktPtr reply;
    if (auto e = read_reply(wire, query, true, reply); !e.empty()) {
        r.status = Status::malformed;
        r.error = what + ": " + e;
        return r;
    }
    r.status = Status::answered;
    r.rcode = ldns_pkt_get_rcode(reply.get());
    r.authoritative = ldns_pkt_aa(reply.get());
    const ldns_rr_list* answer = ldns_pkt_answer(reply.get());
    r.answer_empty = ldns_rr_list_rr_count(answer) == 0;
    const ldns_rdf* qname = ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(query), 0));
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) == 7 &&
            ldns_dname_compare(ldns_rr_owner(rr), qname) == 0) {
            r.serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
            break;
        }
    }
    if (r.rcode != LDNS_RCODE_NOERROR) {
        r.error = what + ": " + rcode_name(r.rcode);
    }
    return r;
}

/// The answer-reading half of send_update: `wire` is the reply to `query`, whose
/// TSIG MAC is `mac`.
UpdateReply read_update_reply(const std::string& what, const Tsig& tsig, const std::string& key,
                              const ldns_pkt* query, const ldns_rdf* mac,
                              const std::vector<std::uint8_t>& wire) {
    UpdateReply r;
    PktPtr reply;
    auto e = read_reply(wire, query, true, reply);
    int tsig_error = 0;
    if (e.empty()) {
        e = tsig.verify(reply.get(), wire, mac, false, tsig_error);
    }
    if (!e.empty()) {
        r.status = Status::malformed;
        r.error = what + ": " + e;
        return r;
    }
    r.status = Status::answered;
    r.rcode = ldns_pkt_get_rcode(reply.get());
    if (tsig_error != 0) {
        r.error = fmt::format("{}: {}, TSIG error {} (key {})", what, rcode_name(r.rcode),
                              rcode_name(tsig_error), key);
    } else if (r.rcode != LDNS_RCODE_NOERROR) {
        r.error = what + ": " + rcode_name(r.rcode);
    }
    return r;
}

/// Where the messages of a transfer come from: fills one complete message or
/// says why there is none.
using Receive = std::function<std::optional<NetError>(std::vector<std::uint8_t>&)>;

/// The answer-reading half of axfr: reads messages from `receive` until the
/// closing SOA. `mac` is the query's TSIG MAC (null without `tsig`).
AxfrReply read_axfr_replies(const std::string& what, const std::string& name, const Tsig* tsig,
                            const ldns_pkt* query, RdfPtr mac, const std::vector<std::string>& skip,
                            const Receive& receive) {
    AxfrReader reader(name, skip);
    AxfrReply r;
    auto fail = [&](Status s, const std::string& text) {
        r.status = s;
        r.error = fmt::format("{}: {}{}", what, text, reader.progress());
        r.records.clear();
        return r;
    };
    for (int n = 0; !reader.done(); ++n) {
        std::vector<std::uint8_t> wire;
        if (auto e = receive(wire)) {
            return fail(e->status, e->text);
        }
        PktPtr msg;
        auto e = read_reply(wire, query, n == 0, msg);
        int tsig_error = 0;
        if (e.empty() && tsig != nullptr) {
            e = tsig->verify(msg.get(), wire, mac.get(), n > 0, tsig_error);
            if (e.empty() && tsig_error == 0) {
                mac.reset(ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(msg.get()), 3)));
            }
        }
        if (!e.empty()) {
            return fail(Status::malformed, e);
        }
        r.rcode = ldns_pkt_get_rcode(msg.get());
        if (r.rcode != LDNS_RCODE_NOERROR || tsig_error != 0) {
            auto text = tsig_error != 0 ? fmt::format("{}, TSIG error {}", rcode_name(r.rcode),
                                                      rcode_name(tsig_error))
                                        : rcode_name(r.rcode);
            return fail(Status::answered, text);
        }
        if (e = reader.add(msg.get(), r.records); !e.empty()) {
            return fail(Status::malformed, e);
        }
    }
    r.status = Status::answered;
    return r;
}

/// The server named in the texts of the reply_detail functions (a function, not a
/// global: a std::string built at static initialisation may throw before main).
Server offline_server() {
    return {"127.0.0.1", 53};
}

} // namespace

SoaReply query_soa(const Server& server, std::string_view zone, Millis timeout, bool tcp) {
    const auto name = zone_name(zone);
    const auto what = subject(server, name, "SOA");
    const PktPtr query = make_query(name, LDNS_RR_TYPE_SOA);
    const auto start = Clock::now();
    std::vector<std::uint8_t> wire;
    if (auto e = exchange(server, to_wire(query.get()), tcp, timeout, wire)) {
        SoaReply r;
        r.status = e->status;
        r.error = what + ": " + e->text;
        return r;
    }
    const auto rtt = std::chrono::duration_cast<Millis>(Clock::now() - start);
    auto r = read_soa_reply(what, query.get(), wire);
    r.rtt = rtt;
    return r;
}

NotifyReply send_notify(const Server& server, std::string_view zone, Millis timeout,
                        const std::string& source) {
    const auto name = zone_name(zone);
    const auto what = subject(server, name, "NOTIFY");
    // RFC 1996 3.7: opcode NOTIFY, AA set, the zone's SOA as the question.
    const PktPtr query = make_query(name, LDNS_RR_TYPE_SOA);
    ldns_pkt_set_opcode(query.get(), LDNS_PACKET_NOTIFY);
    ldns_pkt_set_aa(query.get(), true);
    ldns_pkt_set_rd(query.get(), false);
    NotifyReply r;
    std::vector<std::uint8_t> wire;
    if (auto e = exchange(server, to_wire(query.get()), false, timeout, wire, source)) {
        r.status = e->status;
        r.error = what + ": " + e->text;
        return r;
    }
    PktPtr reply;
    if (auto e = read_reply(wire, query.get(), true, reply); !e.empty()) {
        r.status = Status::malformed;
        r.error = what + ": " + e;
        return r;
    }
    r.status = Status::answered;
    r.rcode = ldns_pkt_get_rcode(reply.get());
    if (r.rcode != LDNS_RCODE_NOERROR) {
        r.error = what + ": " + rcode_name(r.rcode);
    }
    return r;
}

std::size_t record_wire_size(const Record& record) {
    return ldns_rr_uncompressed_size(make_rr(record, record.owner, LDNS_RR_CLASS_IN, false).get());
}

UpdateReply send_update(const Server& server, const Update& update, const TsigKey& key,
                        Millis timeout) {
    const auto name = zone_name(update.zone);
    const auto what = subject(server, name, "UPDATE");
    const Tsig tsig(key);
    const PktPtr query = make_update(name, update);
    const RdfPtr mac = tsig.sign(query.get());
    std::vector<std::uint8_t> wire;
    if (auto e = exchange(server, to_wire(query.get()), true, timeout, wire)) {
        UpdateReply r;
        r.status = e->status;
        r.error = what + ": " + e->text;
        return r;
    }
    return read_update_reply(what, tsig, key.name, query.get(), mac.get(), wire);
}

AxfrReply axfr(const Server& server, std::string_view zone, const std::optional<TsigKey>& key,
               Millis timeout, const std::vector<std::string>& skip) {
    const auto name = zone_name(zone);
    const auto what = subject(server, name, "AXFR");
    std::optional<Tsig> tsig;
    if (key) {
        tsig.emplace(*key);
    }
    const PktPtr query = make_query(name, LDNS_RR_TYPE_AXFR);
    RdfPtr mac = tsig ? tsig->sign(query.get()) : nullptr;
    auto fail = [&](const NetError& e) {
        AxfrReply r;
        r.status = e.status;
        r.error = fmt::format("{}: {}", what, e.text);
        return r;
    };
    Connection c;
    auto deadline = Clock::now() + timeout;
    if (auto e = c.open(server, true, deadline)) {
        return fail(*e);
    }
    if (auto e = c.send(to_wire(query.get()), deadline)) {
        return fail(*e);
    }
    return read_axfr_replies(
        what, name, tsig ? &*tsig : nullptr, query.get(), std::move(mac), skip,
        [&](std::vector<std::uint8_t>& wire) { return c.receive(wire, Clock::now() + timeout); });
}

namespace reply_detail {

SoaReply read_soa(std::string_view zone, std::uint16_t id, const std::vector<std::uint8_t>& reply) {
    const auto name = zone_name(zone);
    const PktPtr query = make_query(name, LDNS_RR_TYPE_SOA);
    ldns_pkt_set_id(query.get(), id);
    return read_soa_reply(subject(offline_server(), name, "SOA"), query.get(), reply);
}

UpdateReply read_update(const Update& update, const TsigKey& key, std::uint16_t id,
                        const std::vector<std::uint8_t>& reply) {
    const auto name = zone_name(update.zone);
    const Tsig tsig(key);
    const PktPtr query = make_update(name, update);
    ldns_pkt_set_id(query.get(), id);
    const RdfPtr mac = tsig.sign(query.get());
    return read_update_reply(subject(offline_server(), name, "UPDATE"), tsig, key.name, query.get(),
                             mac.get(), reply);
}

AxfrReply read_axfr(std::string_view zone, const std::optional<TsigKey>& key, std::uint16_t id,
                    std::span<const std::uint8_t> stream, const std::vector<std::string>& skip) {
    const auto name = zone_name(zone);
    std::optional<Tsig> tsig;
    if (key) {
        tsig.emplace(*key);
    }
    const PktPtr query = make_query(name, LDNS_RR_TYPE_AXFR);
    ldns_pkt_set_id(query.get(), id);
    RdfPtr mac = tsig ? tsig->sign(query.get()) : nullptr;
    // As Connection::receive reads TCP: a 2-byte length, then the message; the end of
    // the stream is the server closing the connection.
    auto receive = [&stream](std::vector<std::uint8_t>& wire) -> std::optional<NetError> {
        if (stream.size() < 2) {
            return NetError{Status::malformed, "connection closed by the server"};
        }
        const std::size_t size = static_cast<std::size_t>(stream[0]) << 8 | stream[1];
        if (size == 0) {
            return NetError{Status::malformed, "a message of length 0"};
        }
        if (stream.size() - 2 < size) {
            return NetError{Status::malformed, "connection closed by the server"};
        }
        wire.assign(stream.begin() + 2, stream.begin() + 2 + static_cast<std::ptrdiff_t>(size));
        stream = stream.subspan(2 + size);
        return std::nullopt;
    };
    return read_axfr_replies(subject(offline_server(), name, "AXFR"), name, tsig ? &*tsig : nullptr,
                             query.get(), std::move(mac), skip, receive);
}

} // namespace reply_detail

} // namespace dms::dns
