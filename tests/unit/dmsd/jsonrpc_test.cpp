// SPDX-License-Identifier: GPL-3.0-or-later
// JSON-RPC 2.0 decoding (REFERENCE.md 6.1): what becomes a call, a notification, or an
// error response, and with which id.
#include <gtest/gtest.h>

#include "dms/dmsd/jsonrpc.hpp"

namespace dms::dmsd::jsonrpc {
namespace {

namespace json = boost::json;

int error_code(const json::object& response) {
    return static_cast<int>(response.at("error").as_object().at("code").as_int64());
}

TEST(JsonRpc, ACallWithPositionalOrNamedParamsAndItsId) {
    auto r = decode(R"({"jsonrpc": "2.0", "method": "list_zone", "params": ["*"], "id": 7})");
    ASSERT_FALSE(r.error);
    EXPECT_FALSE(r.batch);
    ASSERT_EQ(r.items.size(), 1U);
    ASSERT_TRUE(r.items[0].call);
    EXPECT_EQ(r.items[0].call->method, "list_zone");
    EXPECT_TRUE(r.items[0].call->params.is_array());
    EXPECT_EQ(r.items[0].call->id, json::value(7));
    EXPECT_FALSE(r.items[0].call->notification);

    r = decode(R"({"jsonrpc": "2.0", "method": "show_zone", "params": {"name": "a."}, "id": "x"})");
    ASSERT_TRUE(r.items[0].call);
    EXPECT_TRUE(r.items[0].call->params.is_object());
    EXPECT_EQ(r.items[0].call->id, json::value("x"));
    // No params at all; the original's versions.
    for (const auto* v : {"1.0", "1.2"}) {
        r = decode(std::string(R"({"jsonrpc": ")") + v + R"(", "method": "a.b_c", "id": 1})");
        ASSERT_TRUE(r.items[0].call) << v;
        EXPECT_TRUE(r.items[0].call->params.is_null());
    }
}

TEST(JsonRpc, WithoutAnIdItIsANotification) {
    const auto r = decode(R"({"jsonrpc": "2.0", "method": "set_zone", "params": []})");
    ASSERT_TRUE(r.items[0].call);
    EXPECT_TRUE(r.items[0].call->notification);
    EXPECT_TRUE(r.items[0].call->id.is_null());
}

TEST(JsonRpc, NotJsonIsAParseError) {
    for (const auto* body : {"", "{", R"({"jsonrpc": "2.0",})", "\xff\xfe"}) {
        const auto r = decode(body);
        ASSERT_TRUE(r.error) << body;
        EXPECT_EQ(error_code(*r.error), parse_error);
        EXPECT_TRUE(r.error->at("id").is_null());
        EXPECT_TRUE(r.items.empty());
    }
}

TEST(JsonRpc, EachKindOfInvalidRequestIsNamedWithItsIdWhenUsable) {
    struct Case {
        const char* body;
        bool id_kept;
        const char* why;
    };
    for (const auto& c : std::initializer_list<Case>{
             {R"("just a string")", false, "a JSON object"},
             {R"({"method": "x", "id": 1})", true, "jsonrpc"},
             {R"({"jsonrpc": "3.0", "method": "x", "id": 1})", true, "jsonrpc"},
             {R"({"jsonrpc": "2.0", "id": 1})", true, "method"},
             {R"({"jsonrpc": "2.0", "method": 5, "id": 1})", true, "method"},
             {R"({"jsonrpc": "2.0", "method": "", "id": 1})", true, "method"},
             {R"({"jsonrpc": "2.0", "method": "_x", "id": 1})", true, "method"},
             {R"({"jsonrpc": "2.0", "method": "a b", "id": 1})", true, "method"},
             {R"({"jsonrpc": "2.0", "method": "x", "params": "s", "id": 1})", true, "params"},
             {R"({"jsonrpc": "2.0", "method": "x", "params": 3, "id": 1})", true, "params"},
             {R"({"jsonrpc": "2.0", "method": "x", "id": 1.5})", false, "id"},
             {R"({"jsonrpc": "2.0", "method": "x", "id": {"a": 1}})", false, "id"},
             {R"({"jsonrpc": "2.0", "method": "x", "id": true})", false, "id"},
             {R"({"jsonrpc": "2.0", "method": "x", "id": 1, "extra": 1})", true, "extra"},
         }) {
        const auto r = decode(c.body);
        ASSERT_FALSE(r.error) << c.body;
        ASSERT_EQ(r.items.size(), 1U) << c.body;
        ASSERT_FALSE(r.items[0].call) << c.body;
        const auto& e = r.items[0].error;
        EXPECT_EQ(error_code(e), invalid_request) << c.body;
        EXPECT_EQ(e.at("id"), c.id_kept ? json::value(1) : json::value(nullptr)) << c.body;
        const auto data = std::string(e.at("error").as_object().at("data").as_string());
        EXPECT_NE(data.find(c.why), std::string::npos) << c.body << ": " << data;
    }
}

TEST(JsonRpc, ABatchMixesCallsNotificationsAndErrorsInOrder) {
    const auto r = decode(R"([
        {"jsonrpc": "2.0", "method": "a", "id": 1},
        {"jsonrpc": "2.0", "method": "b"},
        {"jsonrpc": "2.0", "method": "", "id": 3},
        42
    ])");
    ASSERT_FALSE(r.error);
    EXPECT_TRUE(r.batch);
    ASSERT_EQ(r.items.size(), 4U);
    EXPECT_TRUE(r.items[0].call && !r.items[0].call->notification);
    EXPECT_TRUE(r.items[1].call && r.items[1].call->notification);
    EXPECT_FALSE(r.items[2].call);
    EXPECT_EQ(r.items[2].error.at("id"), json::value(3));
    EXPECT_FALSE(r.items[3].call);
    EXPECT_TRUE(r.items[3].error.at("id").is_null());
    // An empty batch is one invalid request.
    const auto empty = decode("[]");
    ASSERT_TRUE(empty.error);
    EXPECT_EQ(error_code(*empty.error), invalid_request);
}

TEST(JsonRpc, ResponsesCarryVersionIdAndResultOrError) {
    const auto ok = result_response(json::value(5), json::array{1, 2});
    EXPECT_EQ(json::serialize(ok), R"({"jsonrpc":"2.0","result":[1,2],"id":5})");
    const auto err =
        error_response(json::value("q"), -28, "ZoneNotFound", json::object{{"name", "a."}});
    EXPECT_EQ(
        json::serialize(err),
        R"({"jsonrpc":"2.0","error":{"code":-28,"message":"ZoneNotFound","data":{"name":"a."}},"id":"q"})");
}

} // namespace
} // namespace dms::dmsd::jsonrpc
