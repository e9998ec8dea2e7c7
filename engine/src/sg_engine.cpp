// SPDX-License-Identifier: GPL-3.0-or-later
// Server groups and their reconfigure and refresh requests (see sg_engine.hpp); a zone's
// SG and alternate SG are in zone_sg.cpp.
#include "dms/engine/sg_engine.hpp"

#include <optional>

#include <fmt/format.h>

#include "dms/core/error.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/sgs.hpp"

#include "audit.hpp"
#include "sg_lookup.hpp"
#include "sg_reconfig.hpp"
#include "usage_checks.hpp"
#include "zone_events.hpp"
#include "zone_lookup.hpp"

namespace dms::engine {

using namespace detail;

namespace {

std::string check_config_dir(std::string_view dir) {
    if (!dir.empty() && (!dir.starts_with('/') || dir.size() > 1024)) {
        throw Error(
            ErrorCode::usage,
            fmt::format("config directory '{}' is not an absolute path (at most 1024)", dir));
    }
    return std::string(dir);
}

SgView view_of(db::Transaction& tx, db::SgRecord sg) {
    SgView v;
    const auto replica = db::sgs::replica(tx);
    v.replica = replica && replica->id == sg.id;
    v.usage = db::sgs::usage(tx, sg.id);
    v.servers = db::servers::of_sg(tx, sg.id);
    v.sg = std::move(sg);
    return v;
}

/// refresh_zone of each zone, in the caller's transaction; the names.
std::vector<std::string> refresh_zones(db::Transaction& tx, const Config& config,
                                       const Caller& caller, std::string_view operation,
                                       const std::vector<std::int64_t>& ids) {
    std::vector<std::string> names;
    names.reserve(ids.size());
    for (const auto id : ids) {
        auto z = require_zone_by_id(tx, id, true);
        if (z.state != "PUBLISHED") {
            continue; // changed since it was listed (the lock waited for that change)
        }
        run_zone_event(tx, config, z, sm::EventType::zone_do_refresh, {}, caller.change_by());
        audit(tx, caller, operation, z.name, z.id);
        names.push_back(z.name);
    }
    return names;
}

} // namespace

std::string check_sg_name(std::string_view name) {
    return check_name("server group name", name, 60);
}

SgEngine::SgEngine(db::Session& session, const Config& config, Caller caller)
    : m_session(session), m_config(config), m_caller(std::move(caller)) {}

// ---- server groups ----------------------------------------------------------------------

std::vector<SgView> SgEngine::list_sgs() {
    return m_session.transaction("ls_sg", [](db::Transaction& tx) {
        const auto replica = db::sgs::replica(tx);
        std::vector<SgView> out;
        for (auto& sg : db::sgs::list(tx)) {
            SgView v;
            v.replica = replica && replica->id == sg.id;
            v.sg = std::move(sg);
            out.push_back(std::move(v));
        }
        return out;
    });
}

SgView SgEngine::show_sg(std::string_view name) {
    return m_session.transaction(
        "show_sg", [&](db::Transaction& tx) { return view_of(tx, require_sg(tx, name, false)); });
}

SgView SgEngine::show_replica_sg() {
    return m_session.transaction("show_replica_sg", [](db::Transaction& tx) {
        auto sg = db::sgs::replica(tx);
        if (!sg) {
            throw Error(ErrorCode::no_replica_sg_found,
                        "no server group is the replica SG (create_sg -p or set_sg_replica_sg)");
        }
        return view_of(tx, *sg);
    });
}

db::SgRecord SgEngine::create_sg(const NewSg& n) {
    name_or_throw(check_sg_name(n.name));
    db::SgRecord sg;
    sg.name = n.name;
    sg.config_dir = check_config_dir(n.config_dir);
    sg.master_address = address_or_throw("master address", n.master_address);
    sg.master_alt_address = address_or_throw("master alt address", n.master_alt_address);
    return m_session.transaction("create_sg", [&](db::Transaction& tx) {
        if (n.replica) {
            if (const auto old = db::sgs::replica(tx)) {
                throw Error(ErrorCode::replica_sg_exists,
                            fmt::format("server group '{}' is the replica SG already (change it "
                                        "with set_sg_replica_sg)",
                                        old->name));
            }
        }
        const auto id = db::sgs::insert(tx, sg);
        if (!id) {
            throw Error(ErrorCode::sg_exists,
                        fmt::format("server group '{}' already exists", sg.name));
        }
        auto created = sg;
        created.id = *id;
        if (n.replica) {
            db::sgs::set_replica(tx, created.id);
        }
        audit_change(tx, m_caller, "create_sg", sg.name, std::nullopt,
                     {{"config_dir", sg.config_dir},
                      {"master_address", sg.master_address},
                      {"master_alt_address", sg.master_alt_address},
                      {"replica", n.replica ? "true" : "false"}});
        return created;
    });
}

void SgEngine::delete_sg(std::string_view name) {
    m_session.transaction("delete_sg", [&](db::Transaction& tx) {
        const auto sg = require_sg(tx, name, true);
        const auto u = db::sgs::usage(tx, sg.id);
        if (u.zones > 0 || u.alt_zones > 0) {
            std::string uses;
            if (u.zones > 0) {
                uses =
                    fmt::format("{} zone(s){}", u.zones,
                                u.deleted_zones > 0
                                    ? fmt::format(" ({} deleted, until destroyed)", u.deleted_zones)
                                    : "");
            }
            if (u.alt_zones > 0) {
                uses += fmt::format("{}{} zone(s) as their alternate SG",
                                    uses.empty() ? "" : " and ", u.alt_zones);
            }
            throw Error(
                ErrorCode::sg_still_has_zones,
                fmt::format("server group '{}' is used by {}: move them first", sg.name, uses));
        }
        if (u.servers > 0) {
            throw Error(ErrorCode::sg_still_has_servers,
                        fmt::format("server group '{}' has {} server(s): move or delete them first",
                                    sg.name, u.servers));
        }
        if (db::sgs::is_default_sg(tx, sg.name)) {
            throw Error(ErrorCode::zone_cfg_item_value_error,
                        fmt::format("server group '{}' is zone_cfg default_sg: set_config "
                                    "default_sg to another first",
                                    sg.name));
        }
        db::sgs::remove(tx, sg.id);
        audit_change(tx, m_caller, "delete_sg", sg.name, std::nullopt, {});
    });
}

void SgEngine::rename_sg(std::string_view name, std::string_view new_name) {
    name_or_throw(check_sg_name(new_name));
    m_session.transaction("rename_sg", [&](db::Transaction& tx) {
        auto sg = require_sg(tx, name, true);
        if (const auto other = db::sgs::find(tx, new_name); other && other->id != sg.id) {
            throw Error(ErrorCode::sg_exists,
                        fmt::format("server group '{}' already exists", new_name));
        }
        const auto old = sg.name;
        sg.name = std::string(new_name);
        db::sgs::update(tx, sg);
        db::sgs::rename_default_sg(tx, old, sg.name);
        // Its include directory and ACL name follow the name.
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "rename_sg", old, std::nullopt, {{"new", sg.name}});
    });
}

void SgEngine::set_sg_config(std::string_view name, std::string_view config_dir) {
    const auto dir = check_config_dir(config_dir);
    m_session.transaction("set_sg_config", [&](db::Transaction& tx) {
        auto sg = require_sg(tx, name, true);
        sg.config_dir = dir;
        db::sgs::update(tx, sg);
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "set_sg_config", sg.name, std::nullopt, {{"config_dir", dir}});
    });
}

void SgEngine::set_sg_master_address(std::string_view name, std::string_view address) {
    const auto a = address_or_throw("master address", address);
    m_session.transaction("set_sg_master_address", [&](db::Transaction& tx) {
        auto sg = require_sg(tx, name, true);
        sg.master_address = a;
        db::sgs::update(tx, sg);
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "set_sg_master_address", sg.name, std::nullopt,
                     {{"master_address", a}});
    });
}

void SgEngine::set_sg_master_alt_address(std::string_view name, std::string_view address) {
    const auto a = address_or_throw("master alt address", address);
    m_session.transaction("set_sg_master_alt_address", [&](db::Transaction& tx) {
        auto sg = require_sg(tx, name, true);
        sg.master_alt_address = a;
        db::sgs::update(tx, sg);
        queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "set_sg_master_alt_address", sg.name, std::nullopt,
                     {{"master_alt_address", a}});
    });
}

void SgEngine::set_replica_sg(std::string_view name) {
    m_session.transaction("set_sg_replica_sg", [&](db::Transaction& tx) {
        const auto old = db::sgs::replica(tx);
        std::optional<db::SgRecord> sg;
        if (!name.empty()) {
            sg = require_sg(tx, name, true);
        }
        if ((old ? old->id : 0) == (sg ? sg->id : 0)) {
            return; // already so
        }
        db::sgs::set_replica(tx, sg ? std::optional(sg->id) : std::nullopt);
        // The replica SG serves every zone; the old one goes back to its own zones.
        if (old) {
            queue_partial_reconfig(tx, *old);
        }
        if (sg) {
            queue_partial_reconfig(tx, *sg);
        }
        audit_change(tx, m_caller, "set_sg_replica_sg", sg ? sg->name : "none", std::nullopt,
                     {{"old", old ? old->name : ""}});
    });
}

// ---- reconfiguring and refreshing ------------------------------------------------------

std::int64_t SgEngine::reconfig_sg(std::string_view name) {
    return m_session.transaction("reconfig_sg", [&](db::Transaction& tx) {
        const auto sg = require_sg(tx, name, false);
        const auto id = queue_partial_reconfig(tx, sg);
        audit_change(tx, m_caller, "reconfig_sg", sg.name, std::nullopt,
                     {{"event_id", std::to_string(id)}});
        return id;
    });
}

std::int64_t SgEngine::reconfig_replica_sg() {
    return m_session.transaction("reconfig_replica_sg", [&](db::Transaction& tx) {
        const auto sg = db::sgs::replica(tx);
        if (!sg) {
            throw Error(ErrorCode::no_replica_sg_found,
                        "no server group is the replica SG: nothing to reconfigure");
        }
        const auto id = queue_partial_reconfig(tx, *sg);
        audit_change(tx, m_caller, "reconfig_replica_sg", sg->name, std::nullopt,
                     {{"event_id", std::to_string(id)}});
        return id;
    });
}

std::int64_t SgEngine::reconfig_all() {
    return m_session.transaction("reconfig_all", [&](db::Transaction& tx) {
        const auto id = queue_all_reconfig(tx);
        audit_change(tx, m_caller, "reconfig_all", "master", std::nullopt,
                     {{"event_id", std::to_string(id)}});
        return id;
    });
}

std::vector<std::string> SgEngine::refresh_sg(std::string_view name) {
    return m_session.transaction("refresh_sg", [&](db::Transaction& tx) {
        const auto sg = require_sg(tx, name, false);
        return refresh_zones(tx, m_config, m_caller, "refresh_sg",
                             db::sgs::published_zones(tx, sg.id));
    });
}

std::vector<std::string> SgEngine::refresh_all() {
    return m_session.transaction("refresh_all", [&](db::Transaction& tx) {
        return refresh_zones(tx, m_config, m_caller, "refresh_all",
                             db::sgs::published_zones(tx, std::nullopt));
    });
}

} // namespace dms::engine
