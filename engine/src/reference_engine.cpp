// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/reference_engine.hpp"

#include <optional>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/core/zone.hpp"

#include "audit.hpp"

namespace dms::engine {
namespace {

void check_reference_format(std::string_view r) {
    if (!valid_reference(r)) {
        throw Error(ErrorCode::reference_format,
                    fmt::format("bad reference '{}': letters, digits and -_.@, starting with a "
                                "letter or digit, at most 1024",
                                r));
    }
}

db::ReferenceRecord require_reference(db::Transaction& tx, std::string_view r) {
    auto ref = db::references::find(tx, r);
    if (!ref) {
        throw Error(ErrorCode::reference_does_not_exist,
                    fmt::format("reference '{}' does not exist", r));
    }
    return *ref;
}

} // namespace

ReferenceEngine::ReferenceEngine(db::Session& session, Caller caller)
    : m_session(session), m_caller(std::move(caller)) {}

std::vector<db::ReferenceRecord>
ReferenceEngine::list_references(const std::vector<std::string>& patterns) {
    return m_session.transaction(
        "ls_reference", [&](db::Transaction& tx) { return db::references::list(tx, patterns); });
}

void ReferenceEngine::create_reference(std::string_view reference) {
    check_reference_format(reference);
    m_session.transaction("create_reference", [&](db::Transaction& tx) {
        if (!db::references::create(tx, reference)) {
            throw Error(ErrorCode::reference_exists,
                        fmt::format("reference '{}' already exists", reference));
        }
        detail::audit(tx, m_caller, "create_reference", reference);
    });
}

void ReferenceEngine::delete_reference(std::string_view reference) {
    m_session.transaction("delete_reference", [&](db::Transaction& tx) {
        const auto r = require_reference(tx, reference);
        if (r.zone_count > 0) {
            throw Error(
                ErrorCode::reference_still_used,
                fmt::format("reference '{}' is used by {} zone(s)", r.reference, r.zone_count));
        }
        db::references::remove(tx, r.id);
        detail::audit(tx, m_caller, "delete_reference", r.reference);
    });
}

void ReferenceEngine::rename_reference(std::string_view reference, std::string_view new_name) {
    check_reference_format(new_name);
    m_session.transaction("rename_reference", [&](db::Transaction& tx) {
        const auto r = require_reference(tx, reference);
        if (auto other = db::references::find(tx, new_name); other && other->id != r.id) {
            throw Error(ErrorCode::reference_exists,
                        fmt::format("reference '{}' already exists", new_name));
        }
        db::references::rename(tx, r.id, new_name);
        detail::audit(tx, m_caller, "rename_reference", r.reference, std::nullopt,
                      detail::json_strings({{"new", new_name}}));
    });
}

} // namespace dms::engine
