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
    // The master named and how dmsd talks to it.
    OptionSpec{"master_dns_address", common, text, "127.0.0.1",
               "address of the master named: dynamic updates, SOA queries, AXFR"},
    OptionSpec{"master_dns_port", common, port, "53", "DNS port of the master named"},
    OptionSpec{"dns_query_timeout", common, seconds, "10",
               "seconds to wait for a DNS answer (SOA query, AXFR, update)"},
    OptionSpec{"dyndns_key_file", common, path, "/etc/dms/bind/update-session.key",
               "TSIG key file for dynamic updates to the master named"},
    OptionSpec{"dyndns_key_name", common, text, "update-ddns", "name of that TSIG key"},
    OptionSpec{"dms_bind_config_dir", common, path, "/etc/dms/bind",
               "where generate_tsig_key puts key files given by a relative name"},
    OptionSpec{"dnssec_filter", common, text,
               "RRSIG DNSKEY NSEC3 NSEC3PARAM TYPE65534 NSEC CDS CDNSKEY",
               "record types named maintains itself, left out when comparing a zone"},
    OptionSpec{"dnssec_key_dir", common, path, "/var/lib/bind/keys",
               "where the master named keeps the keys of signed zones (dnssec-policy; "
               "created by dmsd, rsynced to the replica)"},
    OptionSpec{"dnssec_ds_dir", common, path, "/var/lib/bind/ds",
               "where recreate_ds writes each signed zone's DS records (one file per zone)"},
    OptionSpec{"rndc_path", common, path, "rndc", "the rndc program"},
    OptionSpec{"rndc_conf_file", common, path, "/var/lib/dms/rndc/rndc.conf",
               "rndc configuration (default server = the master named; written by "
               "write_rndc_conf)"},
    OptionSpec{"rndc_timeout", common, seconds, "30", "seconds an rndc command may take"},
    OptionSpec{"named_checkzone_path", common, path, "named-checkzone",
               "the checker dmsd asks why named cannot load a zone file"},
    OptionSpec{"rndc_header_template", common, path,
               "/etc/dms/config-templates/rndc.conf-header",
               "template of the head of rndc.conf (keys, default server)"},
    OptionSpec{"rndc_server_template", common, path,
               "/etc/dms/config-templates/rndc.conf-server",
               "template of one server's entry in rndc.conf"},
    OptionSpec{"rndc_key_file", common, path, "/etc/dms/bind/rndc-local.key",
               "key file of the master's control channel"},
    OptionSpec{"rndc_key_name", common, text, "rndc-key", "name of that key"},
    OptionSpec{"rndc_remote_key_file", common, path, "/etc/dms/bind/rndc-remote.key",
               "key file of the slaves' control channels (empty: none)"},
    OptionSpec{"rndc_remote_key_name", common, text, "remote-key", "name of that key"},
    OptionSpec{"master_rndc_address", common, text, "127.0.0.1",
               "address of the master's control channel"},
    OptionSpec{"master_rndc_port", common, port, "953", "port of the master's control channel"},
    OptionSpec{"master_template_dir", common, path, "/etc/dms/master-config-templates",
               "templates of the master's named.conf includes"},
    OptionSpec{"master_config_dir", common, path, "/var/lib/dms/master-config",
               "where dmsd writes zones.conf and server-acl.conf for the master named"},
    OptionSpec{"master_dyndns_dir", common, path, "/var/lib/bind/dynamic",
               "directory of the master's zone files"},
    OptionSpec{"master_hold_timeout", common, seconds, "2",
               "seconds the master waits after a reconfiguration before the next one "
               "(requests meanwhile are merged)"},
    OptionSpec{"dmsd_pid_file", common, path, "/run/dms/dmsd.pid", "dmsd's PID file"},
    // The DR pair (docs/disaster-recovery.md).
    OptionSpec{"node_name", common, text, "",
               "this site's name, recorded in the database as the active master by dmsd and "
               "promote_replica (empty: the host name); the two sites of a DR pair need "
               "different names"},
    OptionSpec{"dr_partner_db_host", common, text, "",
               "the DR partner site's PostgreSQL; dmsd refuses to start while that database "
               "is a promoted primary naming another node as master (empty: no partner)"},
    OptionSpec{"dr_partner_db_port", common, port, "5432", "port of the partner's PostgreSQL"},
    // Slave and replica servers.
    OptionSpec{"server_template_dir", common, path, "/etc/dms/server-config-templates",
               "templates of the slaves' zone stanzas (bind9.conf, bind9-replica.conf)"},
    OptionSpec{"dms_sg_dir", common, path, "/var/lib/dms/dms-sg",
               "where dmsd writes each server group's slave config (one directory per "
               "group, rsynced to its servers)"},
    OptionSpec{"server_admin_config_dir", common, path, "/etc/dms/server-admin-config",
               "static slave config (controls.conf, options.conf, ...) per server type, "
               "sent by rsync_server_admin_config"},
    // Backups (zone_tool dump_db, restore_db; sbin/dms_dumpdb, dms_restoredb).
    OptionSpec{"dump_dir", common, path, "/var/backups/dms",
               "where dump_db writes the database's dumps (pg_dump custom format)"},
    OptionSpec{"dump_keep", common, count, "7", "dumps dump_db keeps (the newest)"},
    OptionSpec{"dump_timeout", common, seconds, "3600",
               "seconds pg_dump or pg_restore may take"},
    OptionSpec{"pg_dump_path", common, path, "pg_dump", "the pg_dump program"},
    OptionSpec{"pg_restore_path", common, path, "pg_restore", "the pg_restore program"},
    OptionSpec{"rsync_path", common, path, "rsync", "the rsync program"},
    OptionSpec{"rsync_password_file", common, path, "/etc/dms/rsync-dnsconf-password",
               "password of the slaves' rsync module dnsconf (user dnsconf)"},
    OptionSpec{"rsync_dnssec_password_file", common, path, "/etc/dms/rsync-dnssec-password",
               "password of the replica's rsync module dnssec (user dnssec), which receives "
               "dnssec_key_dir"},
    OptionSpec{"rsync_timeout", common, seconds, "30", "seconds an rsync run may take"},
    // The event queue.
    // dmsd's HTTPS listener (docs/api.md): on when api_tls_cert_file is set.
    OptionSpec{"api_address", dmsd, text, "127.0.0.1", "address dmsd's HTTPS listener binds"},
    OptionSpec{"api_port", dmsd, count, "8443", "its port (0: a free one, logged)"},
    OptionSpec{"api_tls_cert_file", dmsd, path, "",
               "its certificate chain (PEM); empty: no listener"},
    OptionSpec{"api_tls_key_file", dmsd, path, "", "its private key (PEM)"},
    OptionSpec{"api_max_connections", dmsd, count, "256",
               "connections served at once; more are closed"},
    OptionSpec{"api_timeout", dmsd, seconds, "30",
               "seconds a TLS handshake, a request's read or a response's write may take"},
    OptionSpec{"api_max_request_bytes", dmsd, count, "1048576",
               "largest request body (Content-Length checked before reading: 413)"},
    OptionSpec{"event_queue_threads", dmsd, count, "4", "event workers (database connections)"},
    OptionSpec{"master_hold_reconfig_factor", dmsd, count, "4",
               "the hold after a reconfiguration lasts at least this many times what its rndc "
               "reconfig took (at most 60 s), so that named spends at most 1/(1 + this) of its "
               "time re-reading a big configuration; 0: master_hold_timeout only"},
    OptionSpec{"event_retry_base", dmsd, seconds, "0.5",
               "first retry delay of a failed event; doubles each attempt, with jitter"},
    OptionSpec{"event_retry_max", dmsd, seconds, "300", "longest retry delay"},
    OptionSpec{"event_max_attempts", dmsd, count, "200",
               "attempts before an event is FAILED (the reconciler re-creates needed "
               "follow-ups later)"},
    OptionSpec{"event_lease", dmsd, seconds, "300",
               "longest a worker may hold an event's transaction idle; the database ends "
               "it after that and the event is claimed again"},
    OptionSpec{"reconcile_interval", dmsd, seconds, "30",
               "seconds between reconciler runs (missing follow-up events re-created)"},
    OptionSpec{"drift_check_sample", dmsd, count, "100",
               "published zones whose serial on the master each reconciler run compares "
               "with the database (0: none)"},
    OptionSpec{"standby_check_interval", dmsd, seconds, "5",
               "seconds between dmsd's checks whether its database, a hot standby, has been "
               "promoted"},
    OptionSpec{"server_check_interval", dmsd, seconds, "300",
               "seconds between checks of a slave that is OK (SOA probe, rndc status, "
               "serials)"},
    OptionSpec{"server_retry_base", dmsd, seconds, "5",
               "first delay before a failed slave is configured again; doubles with "
               "each failure in a row, with jitter"},
    OptionSpec{"server_retry_max", dmsd, seconds, "600", "longest such delay"},
    OptionSpec{"server_lag_grace", dmsd, seconds, "30",
               "seconds a zone's new serial may take to reach a slave before the slave "
               "counts as behind and is repaired"},
    OptionSpec{"server_repair_wait", dmsd, seconds, "5",
               "seconds a repair waits after sending NOTIFY again before it has the zones "
               "still behind retransferred"},
    OptionSpec{"master_rndc_settle_delay", dmsd, seconds, "1",
               "seconds between the master's reconfiguration and its slaves' (the master "
               "loads new zones first)"},
};
// clang-format on

} // namespace

std::span<const OptionSpec> config_options() {
    return options;
}

} // namespace dms
