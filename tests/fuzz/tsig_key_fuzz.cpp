// SPDX-License-Identifier: GPL-3.0-or-later
// TSIG key files: parse_tsig_key() on any text, for the first key and for a key
// by name. Checked besides memory and UB: bad text is a ConfigError naming the
// source; a key read has a name, a known algorithm and a secret that is base64; and
// no error text quotes a secret (a value after the word "secret" that appears only
// there in the text).
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/dns_client.hpp"
#include "dms/core/error.hpp"

#include "fuzz_check.hpp"

namespace {

using namespace dms;

/// The words and quoted strings of key-file text, as tsig_key.cpp reads them
/// (comments #, //, /* */ skipped; \\ escapes the next character in a string).
std::vector<std::string> tokens(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    const auto special = [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0 || c == '{' || c == '}' ||
               c == ';' || c == '"' || c == '#';
    };
    while (i < text.size()) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == '{' || c == '}' || c == ';') {
            ++i;
        } else if (c == '#' || text.substr(i, 2) == "//") {
            i = std::min(text.find('\n', i), text.size());
        } else if (text.substr(i, 2) == "/*") {
            const auto end = text.find("*/", i + 2);
            i = end == std::string_view::npos ? text.size() : end + 2;
        } else if (c == '"') {
            std::string s;
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size()) {
                    ++i;
                }
                s += text[i];
            }
            ++i;
            out.push_back(std::move(s));
        } else {
            std::string s;
            while (i < text.size() && !special(text[i])) {
                s += text[i++];
            }
            out.push_back(std::move(s));
        }
    }
    return out;
}

/// Values given after the word "secret" that are long enough to be told apart from
/// the words of a message and occur nowhere else: in no other token (an error may
/// quote those, e.g. an algorithm name that happens to contain the secret's text)
/// and only once in the text.
std::vector<std::string> secrets_in(std::string_view text) {
    std::vector<std::string> out;
    const auto t = tokens(text);
    for (std::size_t i = 0; i + 1 < t.size(); ++i) {
        std::string word = t[i];
        std::transform(word.begin(), word.end(), word.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto& value = t[i + 1];
        const bool distinct =
            value.size() >= 16 && std::any_of(value.begin(), value.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/';
            });
        const bool elsewhere = std::any_of(t.begin(), t.end(), [&](const std::string& other) {
            return &other != &value && other.find(value) != std::string::npos;
        });
        if (word == "secret" && distinct && !elsewhere && text.find(value) == text.rfind(value)) {
            out.push_back(value);
        }
    }
    return out;
}

/// The error parse_tsig_key() gives for `text`, "" if none.
std::string error_of(std::string_view text, std::optional<std::string_view> name) {
    try {
        (void)dns::parse_tsig_key(text, "fuzz.key", name);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return {};
}

/// `value` with each letter and digit replaced by another of its kind (ROT13, +5):
/// base64 stays base64, quoting and escapes stay as they are.
std::string rotated(std::string_view value) {
    std::string out(value);
    for (auto& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>('a' + (c - 'a' + 13) % 26);
        } else if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>('A' + (c - 'A' + 13) % 26);
        } else if (c >= '0' && c <= '9') {
            c = static_cast<char>('0' + (c - '0' + 5) % 10);
        }
    }
    return out;
}

void check(std::string_view text, std::optional<std::string_view> name) {
    try {
        const auto key = dns::parse_tsig_key(text, "fuzz.key", name);
        FUZZ_CHECK(!key.name.empty(), "a key without a name");
        const auto& algs = dns::tsig_algorithms();
        FUZZ_CHECK(std::find(algs.begin(), algs.end(), key.algorithm) != algs.end(), key.algorithm);
        FUZZ_CHECK(!key.secret.empty(), "a key without a secret");
    } catch (const ConfigError& e) {
        const std::string message = e.what();
        FUZZ_CHECK(message.starts_with("fuzz.key:"), e.what());
        for (const auto& secret : secrets_in(text)) {
            // A "secret" of a few characters turns up in any message by chance (the
            // long run found "c" in "in key c"); real secrets are base64 of 16 octets
            // and more, so shorter ones are not checked.
            const auto at = text.find(secret);
            if (secret.size() < 8 || at == std::string_view::npos ||
                message.find(secret) == std::string::npos) {
                continue;
            }
            // The message holds the secret's text. It may be there by chance, made of
            // the message's own words and the values it quotes (the long runs found
            // "Y2Nj' in key a (known: h" after an algorithm 'itYNY2Nj', and
            // " (known: hmac-md5, hmac-sha1, hma"). A leak is when the message follows
            // the secret: the same text with the secret's letters and digits replaced
            // must give another message.
            std::string other(text);
            other.replace(at, secret.size(), rotated(secret));
            FUZZ_CHECK(error_of(other, name) == message, "the error quotes a secret: " + message);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check(text, std::nullopt);
    check(text, "rndc-key");
    return 0;
}
