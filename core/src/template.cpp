// SPDX-License-Identifier: GPL-3.0-or-later
// The one translation unit that includes the mustache library.
#include "dms/core/template.hpp"

#include <fstream>
#include <kainjow/mustache.hpp>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "dms/core/error.hpp"

namespace dms {
namespace {

namespace mu = kainjow::mustache;

std::string named_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

mu::data to_data(const TemplateValue& v);

mu::data to_data(const TemplateMap& m) {
    mu::data d{mu::data::type::object};
    for (const auto& [k, v] : m) {
        d.set(k, to_data(v));
    }
    return d;
}

mu::data to_data(const TemplateValue& v) {
    struct Visit {
        mu::data operator()(const std::string& s) const { return {s}; }
        mu::data operator()(bool b) const {
            return {b ? mu::data::type::bool_true : mu::data::type::bool_false};
        }
        mu::data operator()(const std::vector<std::string>& l) const {
            mu::data d{mu::data::type::list};
            for (const auto& s : l) {
                d.push_back(mu::data{s});
            }
            return d;
        }
        mu::data operator()(const std::vector<TemplateMap>& l) const {
            mu::data d{mu::data::type::list};
            for (const auto& m : l) {
                d.push_back(to_data(m));
            }
            return d;
        }
    };
    return std::visit(Visit{}, v.value);
}

} // namespace

struct Template::Impl {
    // mustache::render is not const in the library; one render at a time.
    mutable std::mutex mutex;
    mutable mu::mustache tmpl;
    explicit Impl(const std::string& text) : tmpl(text) {}
};

Template::Template(std::unique_ptr<Impl> impl, std::string source)
    : m_impl(std::move(impl)), m_source(std::move(source)) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

Template Template::parse(std::string_view text, std::string source) {
    auto impl = std::make_unique<Impl>(std::string(text));
    if (!impl->tmpl.is_valid()) {
        throw Error(ErrorCode::config,
                    fmt::format("{}: template error: {}", source, impl->tmpl.error_message()));
    }
    impl->tmpl.set_custom_escape(named_escape);
    return Template(std::move(impl), std::move(source));
}

Template Template::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw Error(ErrorCode::config, fmt::format("{}: cannot read the template", path));
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), path);
}

std::string Template::render(const TemplateMap& values) const {
    const auto data = to_data(values);
    const std::lock_guard lock(m_impl->mutex);
    return m_impl->tmpl.render(data);
}

} // namespace dms
