// SPDX-License-Identifier: GPL-3.0-or-later
#include "usage_checks.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/engine/server_engine.hpp"

namespace dms::engine::detail {

std::string check_name(std::string_view what, std::string_view name, std::size_t max) {
    const auto ok_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    };
    if (name.empty() || name.size() > max ||
        std::isalnum(static_cast<unsigned char>(name[0])) == 0 ||
        !std::all_of(name.begin(), name.end(), ok_char)) {
        return fmt::format("bad {} '{}': letters, digits and -_., starting with a letter or "
                           "digit, at most {}",
                           what, name, max);
    }
    return {};
}

std::string address_or_throw(std::string_view what, std::string_view address) {
    if (address.empty()) {
        return {};
    }
    auto a = normalize_address(address);
    if (!a) {
        throw Error(ErrorCode::usage,
                    fmt::format("{} '{}' is not an IPv4 or IPv6 address", what, address));
    }
    return *a;
}

void name_or_throw(const std::string& problem) {
    if (!problem.empty()) {
        throw Error(ErrorCode::usage, problem);
    }
}

} // namespace dms::engine::detail
