// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A deterministic generator of valid zone text for zone_differential_test.cpp: every RR
// type that ldns and BIND both load, DMS tags (;| ;# ;!), $GENERATE, $ORIGIN changes,
// TTL and class in either order, owners left out, multi-line records, comments, mixed
// letter case. Valid means: our parser and validator, named-checkzone -k fail and
// ldns-read-zone all accept it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dms::test {

/// Blank-separated tokens; a quoted string or a backslash escape stays in its token.
std::vector<std::string> split_tokens(std::string_view line);

/// `s` with letters outside quoted strings lower-cased.
std::string fold_case(std::string_view s);

/// One generated zone as three texts:
///   input      what an operator writes, DMS tags and $GENERATE included;
///   reference  the zone named must serve: `input` with the ;!DISABLE records
///              commented out (to BIND and ldns a ;! line is a comment, the record
///              under it live);
///   expanded   `reference` with TTL always before class and each $GENERATE line
///              replaced by a marker line (`generate_marker` origin default-TTL
///              $GENERATE ...) that the test replaces by the records BIND makes of it
///              (named-checkzone -D): ldns-read-zone 1.8 reads neither $GENERATE nor
///              "IN 300", and the expected records must not come from a second copy of
///              the expansion logic.
/// Starts a $GENERATE line of GeneratedZone::expanded (a comment to any zone reader).
inline constexpr const char* generate_marker = ";$GENERATE-BY-BIND";

struct GeneratedZone {
    std::string name; ///< absolute, lower case
    std::string input;
    std::string reference;
    std::string expanded;
    std::size_t disabled = 0; ///< records written with ;!DISABLE
};

/// One rdata field; names are absolute and written relative to $ORIGIN or not at
/// random; `chunk` fields (hex, base64) may be split by blanks.
struct Field {
    std::string text;
    bool name = false;
    bool chunk = false;
};

/// One record the generator decided on, written later.
struct Planned {
    std::string owner; ///< absolute, lower case
    std::string type;  ///< as written
    std::vector<Field> rdata;
    bool fold = false;    ///< names may be written in mixed case (ldns -c folds them)
    bool disable = false; ///< generated with ;!DISABLE
};

/// Plans a valid zone (owners, types, targets that exist, one TTL per RRset, nothing
/// below a DNAME or beside a CNAME, glue only below delegations) in batches of records
/// of one owner, shuffles the batches and writes them in groups.
class ZoneGenerator {
public:
    /// @param seed the same seed gives the same zone
    /// @param size about how many records to generate
    ZoneGenerator(std::uint32_t seed, std::size_t size) : m_rng(seed), m_size(size) {}

    /// Plan and write one zone of about `size` records (those $GENERATE makes included).
    GeneratedZone make();

    /// Every type the generator writes ("TYPE" for RFC 3597 TYPEnnn).
    static const std::vector<std::string>& types();

private:
    // ---- randomness --------------------------------------------------------
    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
    }
    bool chance(double p) { return std::bernoulli_distribution(p)(m_rng); }
    int num(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }
    template <typename T>
    const T& one_of(const std::vector<T>& v) {
        return v[pick(v.size())];
    }
    std::string hex(std::size_t bytes);
    std::string base64(std::size_t bytes);
    std::string mixed_case(std::string s);

    // ---- planning ----------------------------------------------------------
    std::string sub(const std::string& label) const { return label + "." + m_zone; }
    std::string host();           ///< a host owner (letters, digits, '-')
    std::string addressed_host(); ///< a host that has an address record
    std::string external(std::string_view prefix);
    std::string target(); ///< an MX/SRV/NS target: external or an addressed host
    void add(std::vector<Planned>& batch, std::string owner, std::string type,
             std::vector<Field> rdata, bool may_disable = false);
    void plan_apex();
    void plan_delegations();
    void plan_aliases_and_dnames();
    void plan_record(const std::string& type);
    /// Random rdata of `type`; SRV, TLSA and SMIMEA put their labels before `owner`.
    std::vector<Field> rdata_for(const std::string& type, std::string& owner);

    // ---- writing -----------------------------------------------------------
    void out(unsigned streams, std::string_view text);
    std::string render(const Field& f, bool fold);
    std::string render_owner(const std::string& owner);
    std::string ttl_class(const Planned& rr, bool ldns_order);
    void write_soa();
    void write_batch(const std::vector<Planned>& batch);
    void write_record(const Planned& rr, bool omit_owner);
    void write_generate();
    void maybe_switch_origin();

    std::mt19937 m_rng;
    std::size_t m_size;
    std::string m_zone;
    std::string m_origin;
    std::uint32_t m_default_ttl = 3600;
    int m_counter = 0;
    std::size_t m_planned = 0;
    std::vector<std::string> m_hosts;
    std::vector<std::string> m_addressed;
    std::vector<std::string> m_departments;
    std::map<std::string, std::uint32_t> m_rrset_ttl; // "owner type" -> seconds
    std::set<std::string> m_records;                  // "owner type rdata"
    std::vector<Planned> m_apex;
    std::vector<std::vector<Planned>> m_batches;
    int m_generates = 0;
    GeneratedZone m_out;
};

} // namespace dms::test
