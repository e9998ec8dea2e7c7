// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The BIND9 implementations of the driver interfaces: named as the hidden master and
// BIND9 slaves fed by rsync and rndc. Nothing here reads the database.

#include <memory>

#include "dms/core/config.hpp"
#include "dms/drivers/named_driver.hpp"
#include "dms/drivers/slave_driver.hpp"

namespace dms::drivers::bind9 {

/// BIND9 on the master: DNS to master_dns_address:master_dns_port, TSIG key from
/// dyndns_key_file, templates from master_template_dir, includes to master_config_dir,
/// zone files in master_dyndns_dir, rndc_path -c rndc_conf_file.
/// @throws dms::Error(ErrorCode::config) if the key file or a template cannot be read
std::unique_ptr<NamedDriver> make_named_driver(const Config& config);

/// BIND9 slaves: server group configs from the server templates in dms_sg_dir, rsync to
/// each server's dnsconf module, rndc -s <server> through rndc.conf, DNS probes.
std::unique_ptr<SlaveDriver> make_slave_driver(const Config& config);

} // namespace dms::drivers::bind9
