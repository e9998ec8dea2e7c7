// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The reply-reading half of the DNS client without the network (dns_client.cpp),
// for tests and the fuzzer (tests/fuzz/dns_reply_fuzz.cpp). Each function builds the
// query exactly as query_soa(), axfr() or send_update() do, but with the message id
// `id` instead of a random one, and then reads `reply` as they read what the server
// sent: the same checks, the same results and texts (the server is named
// 127.0.0.1:53). rtt is not measured.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/dns_client.hpp"

namespace dms::dns::reply_detail {

/// query_soa() given the reply message.
SoaReply read_soa(std::string_view zone, std::uint16_t id, const std::vector<std::uint8_t>& reply);

/// send_update() given the reply message. The reply's TSIG cannot verify (the
/// query's MAC covers the time of signing), so a signed reply ends as malformed.
UpdateReply read_update(const Update& update, const TsigKey& key, std::uint16_t id,
                        const std::vector<std::uint8_t>& reply);

/// axfr() given what the server sent on the TCP connection: messages, each after its
/// 2-byte length; the end of `stream` is the server closing the connection.
AxfrReply read_axfr(std::string_view zone, const std::optional<TsigKey>& key, std::uint16_t id,
                    std::span<const std::uint8_t> stream,
                    const std::vector<std::string>& skip = {});

} // namespace dms::dns::reply_detail
