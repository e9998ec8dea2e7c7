// SPDX-License-Identifier: GPL-3.0-or-later
// DNS replies as the client reads them (core/src/dns/dns_reply.hpp): the first byte
// of the input picks what was asked, the rest is what the server sent back:
//   0  SOA query of example.test.           one reply message
//   1  AXFR of example.test., unsigned      the TCP stream (2-byte length, message)...
//   2  AXFR signed with a TSIG key          the TCP stream
//   3  UPDATE of example.test., signed      one reply message
// The query's id is taken from the reply, so that the fuzzer gets past the id check.
// Checked besides memory and UB: nothing throws; answered means a reply was read
// (rcode set; a transfer's records start with the SOA of the zone), anything else
// carries an error text; a TSIG signed reply never verifies here (the query's MAC
// covers the time of signing), so no signed transfer or update succeeds.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dms/core/dns_client.hpp"

#include "../../core/src/dns/dns_reply.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace dms::dns;

const std::string zone = "example.test.";

const TsigKey key{"fuzz-key", "hmac-sha256", "Zm1ienogZnV6eiBmdXp6IGZ1enogZnV6eiBmdXp6IGY="};

std::uint16_t id_of(std::span<const std::uint8_t> message) {
    return message.size() < 2 ? 0 : static_cast<std::uint16_t>(message[0] << 8 | message[1]);
}

void check_error(Status status, int rcode, const std::string& error) {
    if (status != Status::answered) {
        FUZZ_CHECK(!error.empty(), "not answered, and no error text");
        FUZZ_CHECK(rcode == -1 || status == Status::malformed, error);
    } else {
        FUZZ_CHECK(rcode >= 0 && rcode <= 15, "rcode " + std::to_string(rcode));
        FUZZ_CHECK(rcode == 0 || !error.empty(), "an error rcode without a text");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    switch (data[0] % 4) {
    case 0: {
        const std::vector<std::uint8_t> reply(rest.begin(), rest.end());
        const auto r = reply_detail::read_soa(zone, id_of(reply), reply);
        check_error(r.status, r.rcode, r.error);
        FUZZ_CHECK(r.status == Status::answered || !r.serial, "a serial from an unread reply");
        break;
    }
    case 1:
    case 2: {
        const bool signed_axfr = data[0] % 4 == 2;
        const auto id = rest.size() < 4 ? 0 : id_of(rest.subspan(2));
        const auto r = reply_detail::read_axfr(
            zone, signed_axfr ? std::optional<TsigKey>(key) : std::nullopt, id, rest, {"RRSIG"});
        check_error(r.status, r.rcode, r.error);
        if (r.status == Status::answered && r.error.empty()) {
            FUZZ_CHECK(!signed_axfr, "a signed transfer verified");
            FUZZ_CHECK(!r.records.empty() && r.records[0].type == "SOA" &&
                           r.records[0].owner == zone,
                       "a transfer that does not start with the zone's SOA");
            for (const auto& rec : r.records) {
                FUZZ_CHECK(!rec.owner.empty() && rec.owner.back() == '.', rec.text());
                FUZZ_CHECK(rec.type != "RRSIG", "a skipped type kept: " + rec.text());
            }
        } else {
            FUZZ_CHECK(r.records.empty(), "records kept from a failed transfer");
        }
        break;
    }
    case 3: {
        Update update;
        update.zone = zone;
        update.require.push_back({zone, 0, "SOA", "ns1.example.test. hm.example.test. 1 2 3 4 5"});
        update.remove.push_back({"www." + zone, 0, "A", "192.0.2.1"});
        update.add.push_back({"www." + zone, 300, "A", "192.0.2.2"});
        const std::vector<std::uint8_t> reply(rest.begin(), rest.end());
        const auto r = reply_detail::read_update(update, key, id_of(reply), reply);
        check_error(r.status, r.rcode, r.error);
        FUZZ_CHECK(r.status != Status::answered || !r.error.empty(), "a signed update verified");
        break;
    }
    default:
        break;
    }
    return 0;
}
