// SPDX-License-Identifier: GPL-3.0-or-later
// TSIG keys in BIND's key-file syntax: reading them (named.conf grammar, reduced to
// what key files and rndc.conf hold) and making new ones as tsig-keygen does.
//
// Secrets are only ever copied into the result; no error text quotes a string
// token, so a misplaced secret cannot leak into a message.
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sstream>

#include <fmt/format.h>

#include "dms/core/dns_client.hpp"
#include "dms/core/error.hpp"

namespace dms::dns {
namespace {

struct Algorithm {
    std::string_view name;
    std::size_t secret_bytes; ///< the digest length, as tsig-keygen uses
};

constexpr std::array<Algorithm, 6> algorithm_table{{
    {"hmac-md5", 16},
    {"hmac-sha1", 20},
    {"hmac-sha224", 28},
    {"hmac-sha256", 32},
    {"hmac-sha384", 48},
    {"hmac-sha512", 64},
}};

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

const Algorithm* find_algorithm(std::string_view name) {
    auto n = lower(name);
    if (n == "hmac-md5.sig-alg.reg.int" || n == "hmac-md5.sig-alg.reg.int.") {
        n = "hmac-md5";
    }
    for (const auto& a : algorithm_table) {
        if (a.name == n) {
            return &a;
        }
    }
    return nullptr;
}

/// Valid base64 (RFC 4648, padded); blanks inside are allowed as BIND allows them.
bool valid_base64(std::string_view text) {
    std::string s;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) == 0) {
            s += c;
        }
    }
    if (s.empty() || s.size() % 4 != 0) {
        return false;
    }
    std::size_t pad = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '=') {
            ++pad;
            continue;
        }
        if (pad != 0 || (std::isalnum(c) == 0 && c != '+' && c != '/')) {
            return false;
        }
    }
    return pad <= 2;
}

std::string plain_name(std::string_view name) {
    auto n = lower(name);
    if (n.size() > 1 && n.ends_with('.')) {
        n.pop_back();
    }
    return n;
}

enum class Tok { word, string, open, close, semi, end };

struct Token {
    Tok kind = Tok::end;
    std::string text;
    int line = 1;
};

/// Tokens of named.conf syntax: words, "strings", { } ; and the three comment forms.
class Lexer {
public:
    Lexer(std::string_view text, std::string_view source) : m_text(text), m_source(source) {}

    Token next() {
        skip_blanks_and_comments();
        Token t;
        t.line = m_line;
        if (m_pos >= m_text.size()) {
            return t;
        }
        const char c = m_text[m_pos];
        if (c == '{' || c == '}' || c == ';') {
            ++m_pos;
            t.kind = c == '{' ? Tok::open : (c == '}' ? Tok::close : Tok::semi);
            return t;
        }
        if (c == '"') {
            t.kind = Tok::string;
            ++m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] != '"') {
                if (m_text[m_pos] == '\n') {
                    ++m_line;
                }
                if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size()) {
                    ++m_pos;
                }
                t.text += m_text[m_pos++];
            }
            if (m_pos >= m_text.size()) {
                fail(t.line, "unterminated quoted string");
            }
            ++m_pos;
            return t;
        }
        t.kind = Tok::word;
        while (m_pos < m_text.size() && !is_special(m_text[m_pos])) {
            t.text += m_text[m_pos++];
        }
        return t;
    }

    [[noreturn]] void fail(int line, std::string_view problem) const {
        throw ConfigError(fmt::format("{}:{}: {}", m_source, line, problem));
    }
    int line() const { return m_line; }

private:
    static bool is_special(char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0 || c == '{' || c == '}' ||
               c == ';' || c == '"' || c == '#';
    }

    void skip_blanks_and_comments() {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '\n') {
                ++m_line;
                ++m_pos;
            } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
                ++m_pos;
            } else if (c == '#' || m_text.substr(m_pos, 2) == "//") {
                while (m_pos < m_text.size() && m_text[m_pos] != '\n') {
                    ++m_pos;
                }
            } else if (m_text.substr(m_pos, 2) == "/*") {
                const int start = m_line;
                const auto end = m_text.find("*/", m_pos + 2);
                if (end == std::string_view::npos) {
                    fail(start, "unterminated /* comment");
                }
                for (auto i = m_pos; i < end; ++i) {
                    m_line += m_text[i] == '\n' ? 1 : 0;
                }
                m_pos = end + 2;
            } else {
                return;
            }
        }
    }

    std::string_view m_text;
    std::string_view m_source;
    std::size_t m_pos = 0;
    int m_line = 1;
};

std::string_view describe(const Token& t) {
    switch (t.kind) {
    case Tok::word:
        return "a word";
    case Tok::string:
        return "a quoted string";
    case Tok::open:
        return "'{'";
    case Tok::close:
        return "'}'";
    case Tok::semi:
        return "';'";
    case Tok::end:
        break;
    }
    return "the end of the text";
}

void expect(Lexer& lex, Tok kind, std::string_view what, std::string_view after) {
    const Token t = lex.next();
    if (t.kind != kind) {
        lex.fail(t.line, fmt::format("expected {} after {}, found {}", what, after, describe(t)));
    }
}

/// Skips a statement we do not need (options { ... }; in rndc.conf), up to its ';'.
void skip_statement(Lexer& lex, int line) {
    int depth = 0;
    for (Token t = lex.next();; t = lex.next()) {
        if (t.kind == Tok::end) {
            lex.fail(line, "statement not closed with ';'");
        }
        depth += t.kind == Tok::open ? 1 : (t.kind == Tok::close ? -1 : 0);
        if (depth < 0) {
            lex.fail(t.line, "unbalanced '}'");
        }
        if (t.kind == Tok::semi && depth == 0) {
            return;
        }
    }
}

/// The body of key "name" { ... }; after the name.
TsigKey parse_key_body(Lexer& lex, std::string name, int line) {
    TsigKey key;
    key.name = std::move(name);
    expect(lex, Tok::open, "'{'", "the key name");
    for (Token t = lex.next(); t.kind != Tok::close; t = lex.next()) {
        if (t.kind != Tok::word) {
            lex.fail(t.line, fmt::format("expected algorithm or secret in key {}, found {}",
                                         key.name, describe(t)));
        }
        const auto option = lower(t.text);
        if (option != "algorithm" && option != "secret") {
            // Not quoted: a secret written without its "secret" keyword would be.
            lex.fail(t.line,
                     fmt::format("unknown option in key {} (only algorithm and secret)", key.name));
        }
        auto& field = option == "algorithm" ? key.algorithm : key.secret;
        if (!field.empty()) {
            lex.fail(t.line, fmt::format("{} given twice in key {}", option, key.name));
        }
        const Token value = lex.next();
        if (value.kind != Tok::word && value.kind != Tok::string) {
            lex.fail(value.line, fmt::format("expected a value after {}", option));
        }
        if (option == "algorithm") {
            const auto* alg = find_algorithm(value.text);
            if (alg == nullptr) {
                lex.fail(value.line,
                         fmt::format("unknown algorithm '{}' in key {} (known: hmac-md5, "
                                     "hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, "
                                     "hmac-sha512)",
                                     value.text, key.name));
            }
            field = alg->name;
        } else {
            if (!valid_base64(value.text)) {
                lex.fail(value.line, fmt::format("secret of key {} is not valid base64", key.name));
            }
            field = value.text;
        }
        expect(lex, Tok::semi, "';'", option == "secret" ? "the secret" : "the algorithm");
    }
    expect(lex, Tok::semi, "';'", "the closing '}' of key " + key.name);
    if (key.algorithm.empty()) {
        lex.fail(line, fmt::format("key {} has no algorithm", key.name));
    }
    if (key.secret.empty()) {
        lex.fail(line, fmt::format("key {} has no secret", key.name));
    }
    return key;
}

} // namespace

TsigKey parse_tsig_key(std::string_view text, std::string_view source,
                       std::optional<std::string_view> name) {
    Lexer lex(text, source);
    for (Token t = lex.next(); t.kind != Tok::end; t = lex.next()) {
        if (t.kind != Tok::word) {
            lex.fail(t.line, fmt::format("expected a statement, found {}", describe(t)));
        }
        if (lower(t.text) != "key") {
            skip_statement(lex, t.line);
            continue;
        }
        const Token key_name = lex.next();
        if ((key_name.kind != Tok::word && key_name.kind != Tok::string) || key_name.text.empty()) {
            lex.fail(key_name.line,
                     fmt::format("expected a key name, found {}", describe(key_name)));
        }
        TsigKey key = parse_key_body(lex, key_name.text, t.line);
        if (!name || plain_name(*name) == plain_name(key.name)) {
            return key;
        }
    }
    if (name) {
        lex.fail(lex.line(), fmt::format("no key named {}", *name));
    }
    lex.fail(lex.line(), "no key statement");
}

TsigKey read_tsig_key_file(const std::string& path, std::optional<std::string_view> name) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError(fmt::format("{}: cannot read key file: {}", path, std::strerror(errno)));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw ConfigError(fmt::format("{}: cannot read key file", path));
    }
    return parse_tsig_key(text.str(), path, name);
}

std::string generate_tsig_key_text(std::string_view name, std::string_view algorithm) {
    const auto* alg = find_algorithm(algorithm);
    if (alg == nullptr) {
        throw Error(ErrorCode::usage, fmt::format("unknown TSIG algorithm '{}'", algorithm));
    }
    if (name.empty() || name.find_first_of("\"{};# \t\r\n\\") != std::string_view::npos) {
        throw Error(ErrorCode::usage, fmt::format("bad TSIG key name '{}'", name));
    }
    std::array<unsigned char, 64> secret{};
    std::array<unsigned char, 4 * 64 / 3 + 4> b64{};
    if (RAND_bytes(secret.data(), static_cast<int>(alg->secret_bytes)) != 1) {
        throw Error(ErrorCode::internal, "OpenSSL RAND_bytes failed to make a TSIG secret");
    }
    const int n = EVP_EncodeBlock(b64.data(), secret.data(), static_cast<int>(alg->secret_bytes));
    OPENSSL_cleanse(secret.data(), secret.size());
    std::string text = fmt::format(
        "key \"{}\" {{\n\talgorithm {};\n\tsecret \"{}\";\n}};\n", name, alg->name,
        std::string_view(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(n)));
    OPENSSL_cleanse(b64.data(), b64.size());
    return text;
}

const std::vector<std::string>& tsig_algorithms() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        v.reserve(algorithm_table.size());
        for (const auto& a : algorithm_table) {
            v.emplace_back(a.name);
        }
        return v;
    }();
    return names;
}

} // namespace dms::dns
