// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string_view>

namespace dms {
/// A file compiled into a binary by dms_embed_files() (cmake/DmsEmbed.cmake).
struct EmbeddedFile {
    std::string_view name;    ///< base name, e.g. "schema.sql"
    std::string_view content; ///< whole file text
};
} // namespace dms
