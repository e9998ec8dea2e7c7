// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/core/zone.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "dms/core/zone_text.hpp"

namespace dms {
namespace {

constexpr std::array<std::pair<UpdateOp, std::string_view>, 5> update_ops{{
    {UpdateOp::add, "ADD"},
    {UpdateOp::del, "DELETE"},
    {UpdateOp::update_rrtype, "UPDATE_RRTYPE"},
    {UpdateOp::ptr_update, "PTR_UPDATE"},
    {UpdateOp::ptr_update_force, "PTR_UPDATE_FORCE"},
}};

} // namespace

std::string_view to_string(UpdateOp op) {
    for (const auto& [v, n] : update_ops) {
        if (v == op) {
            return n;
        }
    }
    return "?";
}

std::optional<UpdateOp> update_op_from_string(std::string_view name) {
    for (const auto& [v, n] : update_ops) {
        if (n == name) {
            return v;
        }
    }
    return std::nullopt;
}

std::size_t ZoneData::rr_count() const {
    std::size_t n = has_soa ? 1 : 0;
    for (const auto& g : groups) {
        n += g.rrs.size();
    }
    return n;
}

std::string apex_comment_for(std::string_view zone_name) {
    return fmt::format("Apex resource records for {}", zone_name);
}

bool valid_reference(std::string_view r) {
    if (r.empty() || r.size() > 1024 || std::isalnum(static_cast<unsigned char>(r[0])) == 0) {
        return false;
    }
    return std::all_of(r.begin(), r.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ||
               c == '.' || c == '@';
    });
}

bool has_errors(const std::vector<Finding>& findings) {
    for (const auto& f : findings) {
        if (f.severity == Severity::error) {
            return true;
        }
    }
    return false;
}

std::string format_findings(std::string_view file, const std::vector<Finding>& findings) {
    std::vector<const Finding*> sorted;
    sorted.reserve(findings.size());
    for (const auto& f : findings) {
        sorted.push_back(&f);
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Finding* a, const Finding* b) { return a->line < b->line; });
    std::string out;
    for (const auto* f : sorted) {
        const auto sev = f->severity == Severity::error ? "error" : "warning";
        if (f->line > 0) {
            out += fmt::format("{}:{}: {}: {}\n", file, f->line, sev, f->message);
        } else {
            out += fmt::format("{}: {}: {}\n", file, sev, f->message);
        }
    }
    return out;
}

} // namespace dms
