// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Private to the db layer: the bulk writer of the zis repository. Writes what new ZIs
// hold (comments, records, references) with a few statements for any number of ZIs
// and records: COPY for big ones, INSERT from arrays for small ones.

#include <cstdint>
#include <vector>

#include <pqxx/pqxx>

#include "dms/core/zone.hpp"

namespace dms::db::detail {

/// A new ZI's content, to be written under its id.
struct ZiContent {
    std::int64_t zi_id;
    const ZoneData* zone;
};

/// Write the comments, records and apex comment of new ZIs whose zone_instances rows
/// exist already, with a few statements for all (the statements are declared with the
/// other zis statements in zis.cpp). Creates the references the records name.
/// Throws what libpqxx throws; the caller's transaction is then unusable.
void write_zi_content(pqxx::work& w, const std::vector<ZiContent>& items);

} // namespace dms::db::detail
