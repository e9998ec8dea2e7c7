// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/rndc_conf.hpp"

#include "dms/core/file_util.hpp"
#include "dms/core/template.hpp"
#include "dms/db/servers.hpp"

namespace dms::engine {

std::size_t write_rndc_conf(db::Session& session, const Config& config) {
    const auto header = Template::load(config.value("rndc_header_template"));
    const auto entry = Template::load(config.value("rndc_server_template"));
    const auto servers = session.transaction(
        "write_rndc_conf", [](db::Transaction& tx) { return db::servers::addresses(tx); });
    const auto& remote_key = config.value("rndc_remote_key_file");
    std::string text = header.render({{"rndc_key_file", config.value("rndc_key_file")},
                                      {"rndc_key_name", config.value("rndc_key_name")},
                                      {"has_remote_key", !remote_key.empty()},
                                      {"remote_key_file", remote_key},
                                      {"master_rndc_address", config.value("master_rndc_address")},
                                      {"master_rndc_port", config.value("master_rndc_port")}});
    for (const auto& s : servers) {
        text += entry.render({{"name", s.name},
                              {"address", s.address},
                              {"port", std::to_string(s.rndc_port)},
                              {"key", config.value("rndc_remote_key_name")}});
    }
    const auto& path = config.value("rndc_conf_file");
    const auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0) {
        make_directories(path.substr(0, slash));
    }
    write_file_atomically(path, text, 0644);
    return servers.size();
}

} // namespace dms::engine
