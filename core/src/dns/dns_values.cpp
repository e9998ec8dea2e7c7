// SPDX-License-Identifier: GPL-3.0-or-later
// The plain value helpers of the DNS client: Status and rcode names, Record::text.
#include <fmt/format.h>

#include "dms/core/dns_client.hpp"

namespace dms::dns {

std::string_view to_string(Status s) {
    switch (s) {
    case Status::answered:
        return "answered";
    case Status::timeout:
        return "timeout";
    case Status::unreachable:
        return "unreachable";
    case Status::malformed:
        return "malformed";
    }
    return "unknown";
}

std::string rcode_name(int rcode) {
    // RFC 1035, 2136, 2845, 6891, 7873, 8490 (16 is BADVERS in OPT, BADSIG in TSIG).
    static constexpr std::string_view names[] = {
        "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",  "DSOTYPENI",
        "",         "",        "",         "",         "BADSIG",   "BADKEY",
        "BADTIME",  "BADMODE", "BADNAME",  "BADALG",   "BADTRUNC", "BADCOOKIE"};
    if (rcode >= 0 && static_cast<std::size_t>(rcode) < std::size(names) && !names[rcode].empty()) {
        return std::string(names[rcode]);
    }
    return fmt::format("RCODE{}", rcode);
}

std::string Record::text() const {
    return fmt::format("{} {} IN {} {}", owner, ttl, type, rdata);
}

} // namespace dms::dns
