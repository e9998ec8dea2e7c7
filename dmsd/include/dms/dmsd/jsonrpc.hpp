// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// JSON-RPC 2.0 as dmsd's API receives it (REFERENCE.md 6.1; docs/api.md): decoding a
// request body into calls, and the response objects. No I/O, no engine: the HTTPS
// listener feeds it bodies and runs the calls.
//
// Rules: the body is one request object or a batch (a non-empty array of them). A
// request object has only the members jsonrpc ("2.0"; the original's "1.0" and "1.2"
// are accepted too), method (a string matching ^[a-zA-Z0-9][._a-zA-Z0-9]*$), params
// (an array: positional, or an object: named; absent: none) and id (a string or an
// integer; absent: a notification, which is run and never answered). Anything else is
// -32600 Invalid Request for that element (its id when it had a usable one, else
// null); a body that is not JSON is -32700 Parse error. The body must be UTF-8 (the
// original read ISO-8859-1).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

namespace dms::dmsd::jsonrpc {

/// The standard error codes.
enum Code : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
};

struct Call {
    std::string method;
    boost::json::value params; ///< array, object, or null (none given)
    boost::json::value id;     ///< string or integer; null for a notification
    bool notification = false;
};

/// One element of a request: a call to run, or the error to answer with.
struct Item {
    std::optional<Call> call;
    boost::json::object error; ///< a whole error response, when there is no call
};

struct Request {
    bool batch = false;
    std::vector<Item> items;
    /// The whole body's error response (parse error, empty batch), when set.
    std::optional<boost::json::object> error;
};

Request decode(std::string_view body);

boost::json::object error_response(const boost::json::value& id, int code, std::string_view message,
                                   const boost::json::value& data = nullptr);
boost::json::object result_response(const boost::json::value& id, boost::json::value result);

} // namespace dms::dmsd::jsonrpc
