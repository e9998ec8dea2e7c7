// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The zones of the fault soak (soak.hpp): generated content, changed at random the way
// operators change zones (a few records edited, some added, some deleted, now and then
// many at once), rendered as zone text for load_zone_zi and compared record by record
// with what a name server serves (AXFR).
//
// Every version carries a record `ver.ZONE TXT "vN cC"` (version N saved by client C), so
// each save's content differs from the one before and a served zone names the version it
// is. Records are kept in the canonical presentation form dns::Record uses (owner
// absolute and lower case, rdata as the parser prints it), so they compare as strings.
// The apex (SOA fields, NS) is the one zone_cfg gives the SG someorg-one, which is what
// dmsd writes for use_apex_ns zones.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "dms/core/dns_client.hpp"

namespace dms::test::soak {

/// One version of a zone's content.
class ZoneContent {
public:
    /// The first version (0) of `zone` ("z007.soak."), a handful of records.
    static ZoneContent initial(const std::string& zone, std::mt19937_64& rng);

    /// The next version, saved by `client`: 1-5 records changed, added or deleted (one
    /// change in ten touches 10-20 records).
    ZoneContent next(int client, std::mt19937_64& rng) const;

    /// Zone text for load_zone_zi / load_zones.
    std::string text() const;
    /// What a server should serve: "owner ttl TYPE rdata" per record, sorted, the
    /// SOA's serial written as "*".
    std::vector<std::string> expected() const;

    const std::string& zone() const { return m_zone; }
    int version() const { return m_version; }
    int client() const { return m_client; }
    std::size_t size() const { return m_records.size(); }

private:
    void set_marker();
    void change_one(std::mt19937_64& rng);
    void add_one(std::mt19937_64& rng);
    void delete_one(std::mt19937_64& rng);
    bool has(const dns::Record& r) const;

    std::string m_zone;
    int m_version = 0;
    int m_client = -1;
    int m_next_label = 1;
    std::vector<dns::Record> m_records; ///< everything but the apex SOA and NS
};

/// What `records` (an AXFR) hold in the form of ZoneContent::expected().
std::vector<std::string> served_form(const std::vector<dns::Record>& records);

/// The SOA serial among `records` (an AXFR), 0 if none.
std::uint32_t soa_serial(const std::vector<dns::Record>& records);

/// Lines only in `want` ("- " missing) and only in `got` ("+ " extra), at most `limit`.
std::vector<std::string> record_diff(const std::vector<std::string>& want,
                                     const std::vector<std::string>& got, std::size_t limit = 12);

} // namespace dms::test::soak
