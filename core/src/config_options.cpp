// SPDX-License-Identifier: GPL-3.0-or-later
// The table of configuration options. etc/dms.conf.sample documents each of them
// (a unit test checks it), so add an entry there when adding one here.
#include <array>

#include "dms/core/config.hpp"

namespace dms {
namespace {

using enum OptionScope;
using enum OptionKind;

// clang-format off
constexpr std::array options{
    OptionSpec{"db_host", common, text, "",
               "PostgreSQL host name or address; empty for the local unix socket"},
    OptionSpec{"db_port", common, port, "5432", "PostgreSQL port"},
    OptionSpec{"db_name", common, text, "dms", "database name"},
    OptionSpec{"db_user", common, text, "dms", "database user"},
    OptionSpec{"db_password_file", common, path, "",
               "file whose first line is the database password; empty for none"},
    OptionSpec{"db_connect_timeout", common, count, "10", "seconds to wait for a connection"},
    OptionSpec{"log_level", common, log_level, "info",
               "lowest level logged: debug info notice warning error critical", "warning"},
    OptionSpec{"log_target", common, log_target, "stderr", "where logs go: stderr or syslog"},
    OptionSpec{"syslog_facility", common, facility, "daemon",
               "syslog facility when log_target = syslog: user daemon local0..local7"},
    OptionSpec{"edit_lock_timeout", common, seconds, "1800",
               "seconds an edit_zone lock lasts without being tickled"},
    OptionSpec{"max_rrset_size", common, count, "1000", "most records one RRset may hold"},
    OptionSpec{"max_zone_size", common, count, "5000000", "most records one zone may hold"},
    OptionSpec{"list_events_last_limit", zone_tool, count, "25",
               "events shown by ls_events and ls_failed_events by default"},
};
// clang-format on

} // namespace

std::span<const OptionSpec> config_options() {
    return options;
}

} // namespace dms
