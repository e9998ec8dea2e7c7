// SPDX-License-Identifier: GPL-3.0-or-later
#include "dms/engine/master_config.hpp"

#include <map>

#include <fmt/format.h>

#include "dms/db/master.hpp"
#include "dms/db/servers.hpp"
#include "dms/db/sgs.hpp"
#include "dms/db/zones.hpp"

namespace dms::engine {

MasterConfigSnapshot load_master_config(db::Transaction& tx) {
    MasterConfigSnapshot out;
    const auto master = db::master::get(tx);
    std::map<std::int64_t, std::string> acl_of;
    std::map<std::int64_t, std::vector<std::string>> notify_of;
    std::map<std::int64_t, std::vector<std::string>> addresses_of;
    for (const auto& s : db::servers::addresses(tx)) {
        addresses_of[s.sg_id].push_back(s.address);
        if (s.state != "DISABLED") {
            notify_of[s.sg_id].push_back(fmt::format("{} port {}", s.address, s.dns_port));
        }
    }
    for (const auto& sg : db::sgs::list(tx)) {
        acl_of[sg.id] = sg.name + "-servers";
        out.config.acls.push_back({acl_of[sg.id], addresses_of[sg.id]});
    }
    for (auto& z : db::zones::master_config(tx)) {
        if (!z.configured) {
            out.unconfigured.push_back(z.id);
            continue;
        }
        out.configured.push_back(z.id);
        drivers::MasterConfig::Zone stanza;
        stanza.name = z.name;
        stanza.auto_dnssec = z.auto_dnssec;
        stanza.nsec3 = z.nsec3;
        for (const auto& sg : {z.sg_id, z.alt_sg_id, master.replica_sg_id}) {
            if (!sg || !acl_of.contains(*sg)) {
                continue;
            }
            if (std::find(stanza.acls.begin(), stanza.acls.end(), acl_of[*sg]) ==
                stanza.acls.end()) {
                stanza.acls.push_back(acl_of[*sg]);
                const auto& n = notify_of[*sg];
                stanza.also_notify.insert(stanza.also_notify.end(), n.begin(), n.end());
            }
        }
        out.config.zones.push_back(std::move(stanza));
    }
    return out;
}

} // namespace dms::engine
