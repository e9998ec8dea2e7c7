// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the db layer: libpqxx field <-> C++ conversions shared by repositories.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <pqxx/pqxx>

namespace dms::db::detail {

using TimePoint = std::chrono::system_clock::time_point;

/// Timestamps travel as epoch microseconds (SELECT ... extract(epoch ...)).
inline TimePoint from_epoch_us(long long us) {
    return TimePoint(
        std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}
inline long long to_epoch_us(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

template <typename T>
std::optional<T> opt(const pqxx::field& f) {
    if (f.is_null()) {
        return std::nullopt;
    }
    return f.as<T>();
}

inline std::optional<TimePoint> opt_time(const pqxx::field& f) {
    if (f.is_null()) {
        return std::nullopt;
    }
    return from_epoch_us(f.as<long long>());
}

inline std::string str(const pqxx::field& f) {
    return f.is_null() ? std::string() : f.c_str();
}

/// SQL expression giving epoch microseconds of a timestamptz column.
inline std::string epoch_us(const std::string& column) {
    return "(extract(epoch from " + column + ") * 1000000)::bigint";
}

/// "?" and "*" wildcards to a LIKE pattern (with '\' escaping LIKE's own).
inline std::string like_pattern(const std::string& wildcard) {
    std::string out;
    for (const char c : wildcard) {
        if (c == '%' || c == '_' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '*') {
            out += '%';
        } else if (c == '?') {
            out += '_';
        } else {
            out += c;
        }
    }
    return out;
}

/// One PostgreSQL array literal built element by element: text quoted, std::nullopt
/// as NULL (for INSERT ... SELECT FROM unnest() of many rows, one array per column).
class ArrayText {
public:
    void add(std::string_view v) {
        separate();
        m_text += '"';
        for (const char c : v) {
            if (c == '"' || c == '\\') {
                m_text += '\\';
            }
            m_text += c;
        }
        m_text += '"';
    }
    void add_null() {
        separate();
        m_text += "NULL";
    }
    template <typename T>
    void add(const std::optional<T>& v) {
        if (!v) {
            add_null();
        } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
            add(std::string_view(*v));
        } else {
            add(std::to_string(*v));
        }
    }
    void add(const char* v) { add(std::string_view(v)); }
    void add(bool b) { add(std::string_view(b ? "t" : "f")); }
    template <typename T>
    requires std::is_arithmetic_v<T>
    void add(T v) { add(std::to_string(v)); }
    std::string str() const { return "{" + m_text + "}"; }

private:
    void separate() {
        if (m_any) {
            m_text += ',';
        }
        m_any = true;
    }
    std::string m_text;
    bool m_any = false;
};

/// A PostgreSQL text[] literal of `values` (each element quoted).
inline std::string text_array(const std::vector<std::string>& values) {
    ArrayText out;
    for (const auto& v : values) {
        out.add(v);
    }
    return out.str();
}

/// A PostgreSQL bigint[] literal of `values`; `field` picks the number out of each
/// element (default: the element itself).
template <typename T, typename F = std::identity>
std::string int_array(const std::vector<T>& values, F field = {}) {
    std::string out = "{";
    for (const auto& v : values) {
        if (out.size() > 1) {
            out += ',';
        }
        out += std::to_string(field(v));
    }
    return out + "}";
}

/// A text[] of LIKE patterns for `wildcards`, or std::nullopt (no filter) if empty.
inline std::optional<std::string> like_array(const std::vector<std::string>& wildcards) {
    if (wildcards.empty()) {
        return std::nullopt;
    }
    std::vector<std::string> patterns;
    patterns.reserve(wildcards.size());
    for (const auto& w : wildcards) {
        patterns.push_back(like_pattern(w));
    }
    return text_array(patterns);
}

} // namespace dms::db::detail

namespace dms::db::detail {

/// A nullable statement argument: libpqxx 6 sends a null `const char*` as NULL.
class Arg {
public:
    Arg() = default;
    template <typename T>
    Arg(const std::optional<T>& v) { // NOLINT(google-explicit-constructor)
        if (v) {
            m_text = pqxx::to_string(*v);
        }
    }
    Arg(const std::optional<std::string>& v) : m_text(v) {} // NOLINT
    Arg(const std::optional<TimePoint>& v) {                // NOLINT
        if (v) {
            m_text = std::to_string(to_epoch_us(*v));
        }
    }
    const char* get() const { return m_text ? m_text->c_str() : nullptr; }

private:
    std::optional<std::string> m_text;
};

} // namespace dms::db::detail
