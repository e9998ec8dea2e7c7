// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Zone instances (ZIs): a zone's content, one ZI per save. Listing and showing them
// (show_zone, show_zi, the start of an edit), saving new content (the edit_zone update
// path, load_zone_zi, refresh_zone_ttl), copying and deleting ZIs. The zones themselves
// are zone_engine.hpp's. Each public call is one database transaction; a save hands the
// new ZI to the zone's state machine inside it.
//
// Errors: dms::Error with the codes of REFERENCE.md 6.4 (ZoneNotFound, ZiNotFound,
// ZiInUse, ZiTextParseError with the findings in the message, ZoneChanged, state machine
// refusals ...). Nothing is written when an error is thrown.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dms/core/config.hpp"
#include "dms/core/error.hpp"
#include "dms/core/zone.hpp"
#include "dms/db/session.hpp"
#include "dms/db/zis.hpp"
#include "dms/db/zones.hpp"
#include "dms/engine/caller.hpp"

namespace dms::engine {

/// A zone with one of its ZIs, ready to show or edit.
struct ZoneView {
    db::ZoneRecord zone;
    db::ZiRecord zi;
    ZoneData data; ///< name and reference filled in from the zone
    std::vector<std::string> sectags;
};

/// A save refused because the zone's newest ZI (its candidate) is no longer the one the
/// edit started from: someone saved meanwhile (REFERENCE.md 5.3; issue 11 item 3).
class ZoneChangedError : public Error {
public:
    ZoneChangedError(const std::string& message, std::optional<std::int64_t> base,
                     std::optional<std::int64_t> current)
        : Error(ErrorCode::zone_changed, message), m_base(base), m_current(current) {}
    /// The candidate the edit started from, and the candidate now.
    std::optional<std::int64_t> base() const { return m_base; }
    std::optional<std::int64_t> current() const { return m_current; }

private:
    std::optional<std::int64_t> m_base, m_current;
};

class ZiEngine {
public:
    ZiEngine(db::Session& session, const Config& config, Caller caller);

    // ---- reading -------------------------------------------------------------------
    std::vector<db::ZiRecord> list_zis(std::string_view name);
    /// `zi_spec` in the zi-id syntax (REFERENCE.md 7.5); "" = the published ZI (or
    /// the candidate when nothing is published yet).
    ZoneView show_zone(std::string_view name, std::string_view zi_spec = "");
    ZoneView show_zone_by_id(std::int64_t zone_id, std::string_view zi_spec = "");
    ZoneView show_zi_by_id(std::int64_t zi_id);
    /// The start of an edit: the content of the ZI `zi_spec` selects, by default the
    /// candidate (the newest saved content, which may not be published yet). The view's
    /// zone.zi_candidate_id is the base to give save_zone_content.
    ZoneView edit_view(std::string_view name, std::string_view zi_spec = "");

    // ---- changing content --------------------------------------------------------------
    /// Save `content` as a new ZI and hand it to the zone's state machine
    /// (load_zone_zi, the edit_zone update path). Returns the new ZI id.
    /// `expected_base`: the zone's candidate when the copy being saved was taken
    /// (edit_view); if the candidate is another ZI now, someone saved meanwhile and
    /// ZoneChangedError is thrown, nothing saved. Checked with the zone row locked, in the
    /// saving transaction, so two saves from the same base cannot both pass. std::nullopt:
    /// no check (load_zone_zi replaces the content whatever it was). A save with another
    /// token than the zone's edit lock first releases a lock whose holder has exited.
    std::int64_t save_zone_content(std::string_view name, ZoneData content,
                                   std::optional<std::int64_t> edit_lock_token = std::nullopt,
                                   std::optional<std::int64_t> expected_base = std::nullopt);
    std::int64_t load_zone_zi(std::string_view text, std::string_view name,
                              std::string_view file_name);
    /// A new ZI from the candidate with zone TTL `zone_ttl` ("" = zone_cfg zone_ttl),
    /// published like an edit. Returns the new ZI id.
    std::int64_t refresh_zone_ttl(std::string_view name, std::string_view zone_ttl = "");
    /// Copy a ZI of `src` into `dst` as a new, unpublished ZI (copy_zi).
    std::int64_t copy_zi(std::string_view src, std::string_view dst, std::string_view zi_spec);
    /// Refused (ZiInUse) for the published and the candidate ZI.
    void delete_zi(std::string_view name, std::string_view zi_spec);

private:
    db::Session& m_session;
    const Config& m_config;
    Caller m_caller;
};

} // namespace dms::engine
