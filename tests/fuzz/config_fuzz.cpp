// SPDX-License-Identifier: GPL-3.0-or-later
// dms.conf: parse_config() on any text, for both programs. Checked besides memory
// and UB: bad text is a ConfigError naming the file; every value a parse accepts
// can be used as the programs use it (Config::duration() of a seconds option is a
// duration a clock can be moved by, Config::number() of a count or port is in
// range) without an exception.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "dms/core/config.hpp"
#include "dms/core/error.hpp"

#include "fuzz_check.hpp"

namespace {

using namespace dms;

void check(Program program, const std::string& text) {
    std::istringstream in(text);
    Config cfg;
    try {
        cfg = parse_config(program, in, "fuzz.conf");
    } catch (const ConfigError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz.conf:"), e.what());
        return;
    }
    // The longest a timer may be: now + this on any clock of nanoseconds stays in range.
    constexpr auto longest =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds::max() / 4);
    for (const auto& opt : config_options()) {
        const auto it = cfg.values.find(opt.name);
        if (it == cfg.values.end()) {
            continue;
        }
        const std::string what = std::string(opt.name) + " = '" + it->second + "'";
        switch (opt.kind) {
        case OptionKind::seconds: {
            const auto d = cfg.duration(opt.name);
            FUZZ_CHECK(d.count() >= 0 && d <= longest, what);
            break;
        }
        case OptionKind::port: {
            const auto n = cfg.number(opt.name);
            FUZZ_CHECK(n >= 1 && n <= 65535, what);
            break;
        }
        case OptionKind::count: {
            const auto n = cfg.number(opt.name);
            FUZZ_CHECK(n >= 0 && n <= 1'000'000'000, what);
            break;
        }
        default:
            break;
        }
    }
    FUZZ_CHECK(cfg.db.port >= 1 && cfg.db.port <= 65535, "db_port");
    FUZZ_CHECK(cfg.db.connect_timeout >= 0, "db_connect_timeout");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    check(Program::dmsd, text);
    check(Program::zone_tool, text);
    return 0;
}
