// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/dnssec.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <memory>
#include <openssl/evp.h>

#include <fmt/format.h>

#include "dms/core/error.hpp"

namespace dms::dnssec {
namespace {

[[noreturn]] void bad(std::string_view what) {
    throw Error(ErrorCode::usage, std::string(what));
}

template <typename T>
T number(std::string_view field, std::string_view text, unsigned long max) {
    unsigned long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v > max) {
        bad(fmt::format("DNSKEY {}: '{}' is not a number from 0 to {}", field, text, max));
    }
    return static_cast<T>(v);
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

/// RFC 4648 base64, padded, nothing but the alphabet (blanks were removed before).
std::vector<std::uint8_t> base64_decode(std::string_view s) {
    if (s.empty() || s.size() % 4 != 0) {
        bad(fmt::format("DNSKEY public key: base64 of {} characters, not a multiple of 4",
                        s.size()));
    }
    std::size_t pad = 0;
    while (pad < 2 && s[s.size() - 1 - pad] == '=') {
        ++pad;
    }
    std::vector<std::uint8_t> out;
    out.reserve(s.size() / 4 * 3);
    std::uint32_t acc = 0;
    for (std::size_t i = 0; i < s.size() - pad; ++i) {
        const int v = base64_value(s[i]);
        if (v < 0) {
            bad(fmt::format("DNSKEY public key: '{}' at position {} is not base64", s[i], i + 1));
        }
        acc = (acc << 6U) | static_cast<std::uint32_t>(v);
        if (i % 4 == 3) {
            out.push_back(static_cast<std::uint8_t>(acc >> 16U));
            out.push_back(static_cast<std::uint8_t>(acc >> 8U));
            out.push_back(static_cast<std::uint8_t>(acc));
            acc = 0;
        }
    }
    if (pad == 1) {
        out.push_back(static_cast<std::uint8_t>(acc >> 10U));
        out.push_back(static_cast<std::uint8_t>(acc >> 2U));
    } else if (pad == 2) {
        out.push_back(static_cast<std::uint8_t>(acc >> 4U));
    }
    return out;
}

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string hex_upper(const unsigned char* p, std::size_t n) {
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += fmt::format("{:02X}", p[i]);
    }
    return out;
}

} // namespace

std::string Ds::rdata() const {
    return fmt::format("{} {} {} {}", key_tag, algorithm, static_cast<int>(digest_type), digest);
}

Dnskey parse_dnskey(std::string_view rdata) {
    std::vector<std::string_view> fields;
    std::string key;
    std::size_t i = 0;
    const auto blank = [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0 || c == '(' || c == ')';
    };
    while (i < rdata.size()) {
        while (i < rdata.size() && blank(rdata[i])) {
            ++i;
        }
        const auto start = i;
        while (i < rdata.size() && !blank(rdata[i])) {
            ++i;
        }
        if (i > start) {
            if (fields.size() < 3) {
                fields.push_back(rdata.substr(start, i - start));
            } else {
                key.append(rdata.substr(start, i - start));
            }
        }
    }
    if (fields.size() < 3 || key.empty()) {
        bad(fmt::format("DNSKEY '{}': needs flags, protocol, algorithm and the public key",
                        rdata.substr(0, 60)));
    }
    Dnskey k;
    k.flags = number<std::uint16_t>("flags", fields[0], 65535);
    k.protocol = number<std::uint8_t>("protocol", fields[1], 255);
    k.algorithm = number<std::uint8_t>("algorithm", fields[2], 255);
    if (k.protocol != 3) {
        bad(fmt::format("DNSKEY protocol: {}, must be 3 (RFC 4034 2.1.2)", k.protocol));
    }
    k.public_key = base64_decode(key);
    return k;
}

std::vector<std::uint8_t> dnskey_wire(const Dnskey& key) {
    std::vector<std::uint8_t> w;
    w.reserve(4 + key.public_key.size());
    w.push_back(static_cast<std::uint8_t>(key.flags >> 8U));
    w.push_back(static_cast<std::uint8_t>(key.flags & 0xffU));
    w.push_back(key.protocol);
    w.push_back(key.algorithm);
    w.insert(w.end(), key.public_key.begin(), key.public_key.end());
    return w;
}

std::uint16_t key_tag(const Dnskey& key) {
    const auto w = dnskey_wire(key);
    if (key.algorithm == 1) {
        // RSAMD5: the most significant 16 of the modulus' least significant 24 bits.
        if (w.size() < 3) {
            bad("DNSKEY public key too short for a key tag");
        }
        return static_cast<std::uint16_t>((w[w.size() - 3] << 8U) | w[w.size() - 2]);
    }
    std::uint32_t ac = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        ac += (i & 1U) != 0 ? w[i] : static_cast<std::uint32_t>(w[i]) << 8U;
    }
    ac += (ac >> 16U) & 0xffffU;
    return static_cast<std::uint16_t>(ac & 0xffffU);
}

std::vector<std::uint8_t> canonical_name_wire(std::string_view name) {
    if (name.empty()) {
        bad("DS owner: empty name");
    }
    if (name == ".") {
        return {0};
    }
    if (name.back() == '.') {
        name.remove_suffix(1);
    }
    std::vector<std::uint8_t> w;
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto dot = std::min(name.find('.', start), name.size());
        const auto label = name.substr(start, dot - start);
        if (label.empty() || label.size() > 63) {
            bad(fmt::format("DS owner '{}': a label is empty or longer than 63 octets", name));
        }
        if (label.find('\\') != std::string_view::npos) {
            bad(fmt::format("DS owner '{}': escaped characters are not supported", name));
        }
        w.push_back(static_cast<std::uint8_t>(label.size()));
        for (const char c : label) {
            w.push_back(static_cast<std::uint8_t>(std::tolower(static_cast<unsigned char>(c))));
        }
        start = dot + 1;
    }
    w.push_back(0);
    if (w.size() > 255) {
        bad(fmt::format("DS owner '{}': longer than 255 octets", name));
    }
    return w;
}

Ds make_ds(std::string_view owner, const Dnskey& key, DigestType type) {
    const EVP_MD* md = nullptr;
    switch (type) {
    case DigestType::sha1:
        md = EVP_sha1();
        break;
    case DigestType::sha256:
        md = EVP_sha256();
        break;
    case DigestType::sha384:
        md = EVP_sha384();
        break;
    default:
        bad(fmt::format("DS digest type {}: not 1, 2 or 4", static_cast<int>(type)));
    }
    auto data = canonical_name_wire(owner);
    const auto rdata = dnskey_wire(key);
    data.insert(data.end(), rdata.begin(), rdata.end());
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1) {
        throw Error(ErrorCode::internal, "DS digest: OpenSSL failed");
    }
    Ds ds;
    ds.key_tag = key_tag(key);
    ds.algorithm = key.algorithm;
    ds.digest_type = type;
    ds.digest = hex_upper(digest.data(), len);
    return ds;
}

} // namespace dms::dnssec
