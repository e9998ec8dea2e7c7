// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/dmsd/jsonrpc.hpp"

#include <algorithm>
#include <cctype>

namespace dms::dmsd::jsonrpc {
namespace {

namespace json = boost::json;

bool valid_method(std::string_view m) {
    if (m.empty() || std::isalnum(static_cast<unsigned char>(m.front())) == 0) {
        return false;
    }
    return std::all_of(m.begin(), m.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_';
    });
}

bool usable_id(const json::value& id) {
    return id.is_string() || id.is_int64() || id.is_uint64();
}

Item invalid(const json::value& id, std::string_view why) {
    return {std::nullopt, error_response(usable_id(id) ? id : json::value(nullptr), invalid_request,
                                         "Invalid Request", json::string(why))};
}

Item one(const json::value& v) {
    if (!v.is_object()) {
        return invalid(nullptr, "a request is a JSON object");
    }
    const auto& o = v.as_object();
    const auto* id = o.if_contains("id");
    const json::value id_value = id != nullptr ? *id : json::value(nullptr);
    for (const auto& member : o) {
        const auto k = member.key();
        if (k != "jsonrpc" && k != "method" && k != "params" && k != "id") {
            return invalid(id_value, "unknown member '" + std::string(k) + "'");
        }
    }
    const auto* version = o.if_contains("jsonrpc");
    if (version == nullptr || !version->is_string() ||
        (version->as_string() != "2.0" && version->as_string() != "1.0" &&
         version->as_string() != "1.2")) {
        return invalid(id_value, "jsonrpc must be \"2.0\"");
    }
    if (id != nullptr && !usable_id(*id)) {
        return invalid(nullptr, "id must be a string or an integer");
    }
    const auto* method = o.if_contains("method");
    if (method == nullptr || !method->is_string() || !valid_method(method->as_string())) {
        return invalid(id_value, "method must be a name ([a-zA-Z0-9][._a-zA-Z0-9]*)");
    }
    const auto* params = o.if_contains("params");
    if (params != nullptr && !params->is_array() && !params->is_object()) {
        return invalid(id_value, "params must be an array or an object");
    }
    Call c;
    c.method = std::string(method->as_string());
    c.params = params != nullptr ? *params : json::value(nullptr);
    c.id = id_value;
    c.notification = id == nullptr;
    return {std::move(c), {}};
}

} // namespace

Request decode(std::string_view body) {
    Request r;
    json::error_code ec;
    const auto v = json::parse(body, ec);
    if (ec) {
        r.error = error_response(nullptr, parse_error, "Parse error", json::string(ec.message()));
        return r;
    }
    if (v.is_array()) {
        r.batch = true;
        if (v.as_array().empty()) {
            r.error = error_response(nullptr, invalid_request, "Invalid Request",
                                     json::string("an empty batch"));
            return r;
        }
        for (const auto& e : v.as_array()) {
            r.items.push_back(one(e));
        }
        return r;
    }
    r.items.push_back(one(v));
    return r;
}

boost::json::object error_response(const boost::json::value& id, int code, std::string_view message,
                                   const boost::json::value& data) {
    json::object error{{"code", code}, {"message", message}};
    if (!data.is_null()) {
        error["data"] = data;
    }
    return {{"jsonrpc", "2.0"}, {"error", std::move(error)}, {"id", id}};
}

boost::json::object result_response(const boost::json::value& id, boost::json::value result) {
    return {{"jsonrpc", "2.0"}, {"result", std::move(result)}, {"id", id}};
}

} // namespace dms::dmsd::jsonrpc
