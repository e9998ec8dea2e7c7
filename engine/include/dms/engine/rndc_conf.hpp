// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// rndc.conf (REFERENCE.md 8.4): the header template (keys, the master as default server),
// then one entry per server of every SG (disabled ones too), so that `rndc -s <name>`
// reaches each slave.

#include "dms/core/config.hpp"
#include "dms/db/session.hpp"

namespace dms::engine {

/// Render and write rndc_conf_file atomically (temp file in its own directory, unlike
/// the original's cross-filesystem rename, REFERENCE.md 12 item 20).
/// @returns the number of server entries written
/// @throws dms::Error(ErrorCode::config) for a bad template, (ErrorCode::io) if the
///         file cannot be written
std::size_t write_rndc_conf(db::Session& session, const Config& config);

} // namespace dms::engine
