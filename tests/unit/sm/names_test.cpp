// SPDX-License-Identifier: GPL-3.0-or-later
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "dms/sm/names.hpp"

namespace dms::sm {
namespace {

template <typename E>
void check_table(std::span<const NameEntry<E>> table) {
    std::set<std::string_view> names;
    std::set<E> values;
    for (const auto& e : table) {
        EXPECT_TRUE(names.insert(e.name).second) << e.name;
        EXPECT_TRUE(values.insert(e.value).second) << e.name;
        EXPECT_EQ(to_string(e.value), e.name);
        EXPECT_EQ(from_string<E>(e.name), e.value);
        EXPECT_FALSE(e.description.empty()) << e.name;
    }
    EXPECT_EQ(from_string<E>("NO_SUCH_NAME"), std::nullopt);
}

TEST(SmNames, StateTablesRoundTrip) {
    check_table(zone_states());
    check_table(lock_states());
    check_table(master_states());
    check_table(server_states());
    check_table(event_states());
    check_table(result_codes());
    EXPECT_EQ(zone_states().size(), 10U);
    EXPECT_EQ(server_states().size(), 5U);
    EXPECT_EQ(to_string(ZoneState::batch_create_1), "BATCH_CREATE_1");
    EXPECT_EQ(static_cast<int>(ResultCode::nochange), 220);
}

TEST(SmNames, EventTypesAreUniqueAndNamedAfterTheirMachine) {
    std::set<std::string_view> names;
    for (const auto& e : event_types()) {
        EXPECT_TRUE(names.insert(e.name).second) << e.name;
        EXPECT_TRUE(e.name.starts_with(to_string(e.machine))) << e.name;
        EXPECT_EQ(from_string<EventType>(e.name), e.value);
        EXPECT_EQ(event_type_entry(e.value).name, e.name);
    }
    EXPECT_EQ(names.size(), 40U);
    EXPECT_TRUE(event_type_entry(EventType::zone_update).queued);
    EXPECT_FALSE(event_type_entry(EventType::zone_do_config).queued);
}

} // namespace
} // namespace dms::sm
