// SPDX-License-Identifier: GPL-3.0-or-later
// dmsd: the DMS daemon. Runs the event queue (dms/dmsd/daemon.hpp) until SIGTERM, or
// checks its configuration and database with --check.
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <fmt/ostream.h>

#include "dms/core/config.hpp"
#include "dms/core/error.hpp"
#include "dms/core/logging.hpp"
#include "dms/core/version.hpp"
#include "dms/db/schema.hpp"
#include "dms/dmsd/daemon.hpp"

namespace po = boost::program_options;

namespace {

constexpr std::string_view usage =
    "usage: dmsd [-c FILE] [--check] [--force] [--version] [--help]\n"
    "\n"
    "  -c, --config FILE   configuration file (default $DMS_CONFIG, then /etc/dms/dms.conf)\n"
    "      --check         check the configuration and the database schema, then exit\n"
    "      --force         start even if fenced: the database, or the DR partner's, records\n"
    "                      another node as the active master (docs/disaster-recovery.md)\n"
    "  -V, --version       print the version\n"
    "  -h, --help          this text\n";

int check(const dms::Config& cfg) {
    auto session = dms::db::Session::open(cfg.db);
    const auto st = dms::db::inspect_schema(session);
    if (st.state != dms::db::SchemaState::current) {
        dms::log::error(session.describe(), "check", "schema version {} is not the current {}",
                        st.version, dms::db::SchemaBundle::embedded().latest_version());
        return dms::to_int(dms::ExitStatus::unavailable);
    }
    fmt::print(std::cout, "{}: configuration OK; database {} at schema version {}\n", cfg.source,
               session.describe(), st.version);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    // SIGHUP's default action ends the process: until dmsd handles it (a reload), one
    // that comes while it starts is ignored rather than fatal.
    ::signal(SIGHUP, SIG_IGN);
    po::options_description desc;
    desc.add_options()("config,c", po::value<std::string>())("check", "")("force", "")(
        "version,V", "")("help,h", "");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    } catch (const po::error& e) {
        std::cerr << "dmsd: " << e.what() << "\n" << usage;
        return dms::to_int(dms::ExitStatus::usage);
    }
    if (vm.count("help") != 0U) {
        std::cout << usage;
        return 0;
    }
    if (vm.count("version") != 0U) {
        fmt::print(std::cout, "dmsd (dms) {}\n", dms::version());
        return 0;
    }
    try {
        std::optional<std::string> path;
        if (vm.count("config") != 0U) {
            path = vm["config"].as<std::string>();
        }
        const auto cfg = dms::load_config(dms::Program::dmsd, path);
        dms::log::configure(cfg.log);
        dms::log_config_notices(cfg);
        if (vm.count("check") != 0U) {
            return check(cfg);
        }
        const int status = dms::dmsd::run_daemon(cfg, vm.count("force") != 0U);
        if (status == dms::dmsd::reload_requested) {
            // The same program with the same arguments, in this process (the PID a
            // service manager watches stays). Only our own descriptors are close-on-exec.
            ::execv("/proc/self/exe", argv);
            std::cerr << "dmsd: reload: cannot execute /proc/self/exe again: "
                      << std::strerror(errno) << "\n";
            return dms::to_int(dms::ExitStatus::os_err);
        }
        return status;
    } catch (const dms::Error& e) {
        std::cerr << "dmsd: " << e.what() << "\n";
        return dms::to_int(e.exit_status());
    }
}
