// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Text templates for the named.conf fragments dmsd and zone_tool write (REFERENCE.md 8):
// Mustache syntax ({{name}}, {{#list}}...{{/list}}, {{^flag}}...{{/flag}}), rendered by
// the kainjow mustache library inside template.cpp only.
//
// Values are inserted as written, except that `"` and `\` are escaped with a backslash,
// since every value in named.conf sits inside a quoted string or is a name or address
// (which contain neither). A template is parsed once and may be rendered many times;
// rendering is const and thread safe.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dms {

struct TemplateValue;
using TemplateMap = std::map<std::string, TemplateValue, std::less<>>;

/// A string, a flag, a list of strings ({{.}} inside the section), or a list of maps.
struct TemplateValue {
    std::variant<std::string, bool, std::vector<std::string>, std::vector<TemplateMap>> value;

    TemplateValue() = default;
    TemplateValue(std::string s) : value(std::move(s)) {}
    TemplateValue(const char* s) : value(std::string(s)) {}
    TemplateValue(bool b) : value(b) {}
    TemplateValue(std::vector<std::string> l) : value(std::move(l)) {}
    TemplateValue(std::vector<TemplateMap> l) : value(std::move(l)) {}
};

class Template {
public:
    /// Parse template text; `source` names it in errors.
    /// @throws dms::Error(ErrorCode::config) "SOURCE: template error: ..." on bad syntax
    static Template parse(std::string_view text, std::string source);
    /// Read and parse a template file.
    /// @throws dms::Error(ErrorCode::config) if the file cannot be read or parsed
    static Template load(const std::string& path);

    Template(Template&&) noexcept;
    Template& operator=(Template&&) noexcept;
    ~Template();

    /// Render with `values`. Never throws except std::bad_alloc.
    std::string render(const TemplateMap& values) const;
    const std::string& source() const { return m_source; }

private:
    struct Impl;
    Template(std::unique_ptr<Impl> impl, std::string source);
    std::unique_ptr<Impl> m_impl;
    std::string m_source;
};

} // namespace dms
