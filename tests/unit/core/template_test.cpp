// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include "dms/core/error.hpp"
#include "dms/core/template.hpp"

namespace dms {
namespace {

TEST(Template, RendersValuesListsAndFlags) {
    const auto t = Template::parse("zone \"{{name}}\" {\n"
                                   "{{#signed}}\tauto-dnssec maintain;\n{{/signed}}"
                                   "\tallow-transfer { {{#acls}}{{.}}; {{/acls}}};\n"
                                   "{{#servers}}\t{{address}} port {{port}};\n{{/servers}}"
                                   "{{^servers}}\tnone;\n{{/servers}}};\n",
                                   "test");
    TemplateMap v{
        {"name", "example.org"},
        {"signed", true},
        {"acls", std::vector<std::string>{"a-servers", "b-servers"}},
        {"servers", std::vector<TemplateMap>{{{"address", "192.0.2.1"}, {"port", "53"}},
                                             {{"address", "192.0.2.2"}, {"port", "5353"}}}}};
    EXPECT_EQ(t.render(v), "zone \"example.org\" {\n"
                           "\tauto-dnssec maintain;\n"
                           "\tallow-transfer { a-servers; b-servers; };\n"
                           "\t192.0.2.1 port 53;\n\t192.0.2.2 port 5353;\n};\n");
    v["signed"] = false;
    v["servers"] = std::vector<TemplateMap>{};
    v["acls"] = std::vector<std::string>{};
    EXPECT_EQ(t.render(v), "zone \"example.org\" {\n\tallow-transfer { };\n\tnone;\n};\n");
}

TEST(Template, EscapesQuotesAndBackslashesForNamedConf) {
    const auto t = Template::parse("\"{{v}}\"", "test");
    EXPECT_EQ(t.render({{"v", "a\"b\\c<&>"}}), "\"a\\\"b\\\\c<&>\"");
}

TEST(Template, SyntaxErrorsNameTheSource) {
    try {
        Template::parse("{{#open}} never closed", "templates/master/x.conf");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::config);
        EXPECT_NE(std::string(e.what()).find("templates/master/x.conf"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(Template::load("/nonexistent/template.conf"), Error);
}

} // namespace
} // namespace dms
