-- SPDX-License-Identifier: GPL-3.0-or-later
-- dms schema, fresh install. Creates the newest version; sql/upgrades/ holds the
-- steps from older versions. Run by `zone_tool create_db` inside one transaction
-- (do not add BEGIN/COMMIT here). Names follow the original DMS (REFERENCE.md 4).

-- ---------------------------------------------------------------------------
-- Schema version: exactly one row.
CREATE TABLE schema_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version integer NOT NULL CHECK (version >= 1),
    applied timestamptz NOT NULL DEFAULT now()
);
INSERT INTO schema_version (version) VALUES (10);

-- Bump mtime on every update unless the statement set it itself.
CREATE FUNCTION dms_touch_mtime() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.mtime IS NOT DISTINCT FROM OLD.mtime THEN
        NEW.mtime := now();
    END IF;
    RETURN NEW;
END $$;

-- ---------------------------------------------------------------------------
-- Customer / owner references. Compared case-insensitively, case preserved.
CREATE TABLE reference (
    id bigserial PRIMARY KEY,
    reference varchar(1024) NOT NULL
        CHECK (reference ~ '^[0-9a-zA-Z][-_a-zA-Z0-9.@]*$'),
    ctime timestamptz NOT NULL DEFAULT now(),
    mtime timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX reference_lower_key ON reference (lower(reference));
CREATE TRIGGER reference_mtime BEFORE UPDATE ON reference
    FOR EACH ROW EXECUTE FUNCTION dms_touch_mtime();

-- ---------------------------------------------------------------------------
-- Server groups.
CREATE TABLE server_groups (
    id bigserial PRIMARY KEY,
    name varchar(60) NOT NULL UNIQUE CHECK (name ~ '^[a-zA-Z0-9][-_a-zA-Z0-9.]*$'),
    config_dir varchar(1024),
    zone_count bigint NOT NULL DEFAULT 0 CHECK (zone_count >= 0),
    master_address inet,
    master_alt_address inet,
    ctime timestamptz NOT NULL DEFAULT now(),
    mtime timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER server_groups_mtime BEFORE UPDATE ON server_groups
    FOR EACH ROW EXECUTE FUNCTION dms_touch_mtime();

-- ---------------------------------------------------------------------------
-- ServerSM rows: slave and replica servers.
CREATE TABLE sm_servers (
    id bigserial PRIMARY KEY,
    name varchar(255) NOT NULL UNIQUE CHECK (name ~ '^[a-zA-Z0-9][-_a-zA-Z0-9.]*$'),
    state varchar(20) NOT NULL DEFAULT 'DISABLED'
        CHECK (state IN ('DISABLED', 'CONFIG', 'OK', 'RETRY', 'BROKEN')),
    server_type varchar(20) NOT NULL DEFAULT 'bind9' CHECK (server_type IN ('bind9', 'nsd3')),
    sg_id bigint NOT NULL REFERENCES server_groups ON DELETE RESTRICT,
    address inet NOT NULL,
    dns_port integer NOT NULL DEFAULT 53 CHECK (dns_port BETWEEN 1 AND 65535),
    rndc_port integer NOT NULL DEFAULT 953 CHECK (rndc_port BETWEEN 1 AND 65535),
    rsync_port integer NOT NULL DEFAULT 873 CHECK (rsync_port BETWEEN 1 AND 65535),
    ssh_address inet,
    ctime timestamptz NOT NULL DEFAULT now(),
    mtime timestamptz NOT NULL DEFAULT now(),
    last_reply timestamptz,
    zone_count bigint,
    retry_msg text,
    -- consecutive failures (the retries' back-off), the SOA probe's round trip, zones
    -- behind the master's serial at the last check and when that was
    retry_count integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
    probe_rtt_ms double precision CHECK (probe_rtt_ms >= 0),
    lagging_zones bigint CHECK (lagging_zones >= 0),
    last_check timestamptz,
    -- zones the checks found behind and repaired (NOTIFY, retransfer, configuration
    -- sent again), and when the server's configuration last reached it
    repairs bigint NOT NULL DEFAULT 0 CHECK (repairs >= 0),
    configured_at timestamptz
);
-- Two enabled servers may not share an address and port.
CREATE UNIQUE INDEX sm_servers_enabled_address_key ON sm_servers (address, dns_port)
    WHERE state <> 'DISABLED';
CREATE INDEX sm_servers_sg_id_idx ON sm_servers (sg_id);
CREATE FUNCTION sm_servers_touch_mtime() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.mtime IS NOT DISTINCT FROM OLD.mtime
       AND (NEW.name, NEW.address, NEW.server_type, NEW.sg_id)
           IS DISTINCT FROM (OLD.name, OLD.address, OLD.server_type, OLD.sg_id) THEN
        NEW.mtime := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sm_servers_mtime BEFORE UPDATE ON sm_servers
    FOR EACH ROW EXECUTE FUNCTION sm_servers_touch_mtime();

-- ---------------------------------------------------------------------------
-- MasterSM: exactly one row.
CREATE TABLE sm_master (
    id bigint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    state varchar(20) NOT NULL DEFAULT 'READY' CHECK (state IN ('READY', 'HOLD')),
    -- 0 HOLD_SG_NONE, -1 HOLD_SG_MASTER, -2 HOLD_SG_ALL, else a server_groups id
    hold_sg bigint NOT NULL DEFAULT 0 CHECK (hold_sg >= -2),
    hold_sg_name varchar(60),
    hold_start timestamptz,
    hold_stop timestamptz,
    replica_sg_id bigint REFERENCES server_groups ON DELETE SET NULL,
    master_server_id bigint REFERENCES sm_servers ON DELETE SET NULL,
    master_hostname varchar(255),
    ctime timestamptz NOT NULL DEFAULT now(),
    mtime timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'HOLD') = (hold_stop IS NOT NULL))
);
CREATE TRIGGER sm_master_mtime BEFORE UPDATE ON sm_master
    FOR EACH ROW EXECUTE FUNCTION dms_touch_mtime();

-- ---------------------------------------------------------------------------
-- RR comments: group comments (';|'), per-RR comments (';#'), apex group.
-- A comment belongs to the ZI whose records or header use it (zi_id), or, when
-- zi_id is NULL, to records of update groups. It goes with its ZI (trigger on
-- zone_instances below), so no index over resource_records is needed to find
-- who still uses a comment: such indexes cost a third of a big zone's COPY.
CREATE TABLE rr_comments (
    id bigserial PRIMARY KEY,
    comment text NOT NULL,
    tag varchar(40),
    zi_id bigint -- zone_instances id, checked per statement (see resource_records)
);
CREATE INDEX rr_comments_zi_id_idx ON rr_comments (zi_id) WHERE zi_id IS NOT NULL;

-- ---------------------------------------------------------------------------
-- ZoneSM rows: one per zone incarnation; at most one live row per name.
CREATE TABLE sm_zone (
    id bigserial PRIMARY KEY,
    name varchar(255) NOT NULL
        CHECK (name = lower(name) AND name LIKE '%.' AND octet_length(name) <= 255),
    state varchar(20) NOT NULL DEFAULT 'INIT'
        CHECK (state IN ('INIT', 'CREATE', 'RESET', 'BATCH_CREATE_1', 'BATCH_CREATE_2',
                         'UNCONFIG', 'PUBLISHED', 'UPDATE', 'DISABLED', 'DELETED')),
    zone_type varchar(20) NOT NULL DEFAULT 'DynDNSZoneSM'
        CHECK (zone_type IN ('DynDNSZoneSM', 'StaticZoneSM', 'SlaveZoneSM')),
    zi_id bigint,           -- published ZI (FK added below)
    zi_candidate_id bigint, -- ZI to publish next (FK added below)
    soa_serial bigint CHECK (soa_serial BETWEEN 0 AND 4294967295),
    use_apex_ns boolean NOT NULL DEFAULT true,
    edit_lock boolean NOT NULL DEFAULT false,
    auto_dnssec boolean NOT NULL DEFAULT false,
    nsec3 boolean NOT NULL DEFAULT false,
    inc_updates boolean NOT NULL DEFAULT false,
    zone_files boolean NOT NULL DEFAULT false,
    lock_state varchar(20) NOT NULL DEFAULT 'EDIT_UNLOCK'
        CHECK (lock_state IN ('EDIT_UNLOCK', 'EDIT_LOCK')),
    edit_lock_token bigint,
    locked_by varchar(1024),
    locked_at timestamptz,
    sg_id bigint REFERENCES server_groups ON DELETE RESTRICT,
    alt_sg_id bigint REFERENCES server_groups ON DELETE SET NULL,
    ref_id bigint REFERENCES reference ON DELETE SET NULL,
    deleted_start timestamptz,
    ctime timestamptz NOT NULL DEFAULT now(),
    mtime timestamptz NOT NULL DEFAULT now(),
    CHECK ((lock_state = 'EDIT_LOCK') = (edit_lock_token IS NOT NULL)),
    CHECK (alt_sg_id IS NULL OR alt_sg_id <> sg_id),
    CHECK (deleted_start IS NULL OR state = 'DELETED')
);
CREATE UNIQUE INDEX sm_zone_live_name_key ON sm_zone (name) WHERE state <> 'DELETED';
CREATE INDEX sm_zone_name_pattern_idx ON sm_zone (name varchar_pattern_ops);
CREATE INDEX sm_zone_state_idx ON sm_zone (state);
CREATE INDEX sm_zone_sg_id_idx ON sm_zone (sg_id);
CREATE INDEX sm_zone_alt_sg_id_idx ON sm_zone (alt_sg_id) WHERE alt_sg_id IS NOT NULL;
CREATE INDEX sm_zone_ref_id_idx ON sm_zone (ref_id);
-- As the original: mtime moves when the name or a flag changes, or the zone
-- newly becomes DISABLED, DELETED or CREATE; not on every publish.
CREATE FUNCTION sm_zone_touch_mtime() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.mtime IS NOT DISTINCT FROM OLD.mtime AND (
           (NEW.name, NEW.use_apex_ns, NEW.edit_lock, NEW.auto_dnssec, NEW.nsec3,
            NEW.inc_updates)
           IS DISTINCT FROM (OLD.name, OLD.use_apex_ns, OLD.edit_lock, OLD.auto_dnssec,
                             OLD.nsec3, OLD.inc_updates)
           OR (NEW.state IS DISTINCT FROM OLD.state
               AND NEW.state IN ('DISABLED', 'DELETED', 'CREATE'))) THEN
        NEW.mtime := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sm_zone_mtime BEFORE UPDATE ON sm_zone
    FOR EACH ROW EXECUTE FUNCTION sm_zone_touch_mtime();

-- ---------------------------------------------------------------------------
-- Zone instances: snapshots of a zone's content. TTLs are kept as text
-- ("24h", "1w2d", "3600").
CREATE TABLE zone_instances (
    id bigserial PRIMARY KEY,
    zone_id bigint NOT NULL REFERENCES sm_zone ON DELETE CASCADE,
    ctime timestamptz NOT NULL DEFAULT now(),
    mtime timestamptz NOT NULL DEFAULT now(),
    ptime timestamptz,
    change_by varchar(1024),
    soa_serial bigint NOT NULL CHECK (soa_serial BETWEEN 0 AND 4294967295),
    soa_mname varchar(255) NOT NULL,
    soa_rname varchar(255) NOT NULL,
    soa_refresh varchar(20) NOT NULL CHECK (soa_refresh ~ '^([0-9]+[wdhmsWDHMS]?)+$'),
    soa_retry varchar(20) NOT NULL CHECK (soa_retry ~ '^([0-9]+[wdhmsWDHMS]?)+$'),
    soa_expire varchar(20) NOT NULL CHECK (soa_expire ~ '^([0-9]+[wdhmsWDHMS]?)+$'),
    soa_minimum varchar(20) NOT NULL CHECK (soa_minimum ~ '^([0-9]+[wdhmsWDHMS]?)+$'),
    soa_ttl varchar(20) CHECK (soa_ttl ~ '^([0-9]+[wdhmsWDHMS]?)+$'),
    zone_ttl varchar(20) NOT NULL CHECK (zone_ttl ~ '^([0-9]+[wdhmsWDHMS]?)+$'),
    apex_comment_group_id bigint REFERENCES rr_comments ON DELETE SET NULL,
    UNIQUE (id, zone_id)
);
CREATE INDEX zone_instances_zone_ctime_idx ON zone_instances (zone_id, ctime);
CREATE TRIGGER zone_instances_mtime BEFORE UPDATE ON zone_instances
    FOR EACH ROW EXECUTE FUNCTION dms_touch_mtime();

-- A zone's published and candidate ZIs must be its own ZIs.
ALTER TABLE sm_zone
    ADD CONSTRAINT sm_zone_zi_fkey FOREIGN KEY (zi_id, id)
        REFERENCES zone_instances (id, zone_id) ON DELETE SET NULL (zi_id),
    ADD CONSTRAINT sm_zone_zi_candidate_fkey FOREIGN KEY (zi_candidate_id, id)
        REFERENCES zone_instances (id, zone_id) ON DELETE SET NULL (zi_candidate_id);

-- ---------------------------------------------------------------------------
-- Queued incremental updates (update_rrs, auto PTR): one group per type per zone.
CREATE TABLE update_groups (
    id bigserial PRIMARY KEY,
    update_type varchar(60) NOT NULL,
    zone_id bigint NOT NULL REFERENCES sm_zone ON DELETE CASCADE,
    ptr_only boolean NOT NULL DEFAULT false,
    sectag varchar(60),
    change_by varchar(1024),
    ctime timestamptz NOT NULL DEFAULT now(),
    UNIQUE (update_type, zone_id)
);
CREATE INDEX update_groups_zone_id_idx ON update_groups (zone_id);

-- ---------------------------------------------------------------------------
-- Resource records of a ZI, or the operations of an update group.
--
-- No per-row foreign keys: each queued one trigger event per record, and a
-- million-record COPY spent more time in them than in storing the records. The
-- references (zi_id, ug_id, ref_id, comment ids) are checked once per statement
-- by the triggers below, which also do what ON DELETE CASCADE / SET NULL would.
-- The one index besides the key is on zi_id: every record of a COPY has the same
-- zi_id, so it only ever grows at its right edge.
CREATE TABLE resource_records (
    id bigserial PRIMARY KEY,
    zi_id bigint,                        -- zone_instances id
    ug_id bigint,                        -- update_groups id
    label text NOT NULL,                 -- relative to the zone, '@' for the apex
    type varchar(20) NOT NULL CHECK (type ~ '^[A-Z][A-Z0-9-]*$'),
    class varchar(10) NOT NULL DEFAULT 'IN' CHECK (class = 'IN'),
    ttl varchar(20) CHECK (ttl ~ '^([0-9]+[wdhmsWDHMS]?)+$'), -- NULL: zone_ttl
    zone_ttl boolean NOT NULL DEFAULT false, -- TTL came from the zone default
    rdata text NOT NULL,
    comment_group_id bigint,             -- rr_comments id of the record's group
    comment_rr_id bigint,                -- rr_comments id of its own comment
    lock_ptr boolean NOT NULL DEFAULT false,
    disable boolean NOT NULL DEFAULT false,
    track_reverse boolean NOT NULL DEFAULT false,
    ref_id bigint,                       -- reference id
    update_op varchar(20)
        CHECK (update_op IN ('ADD', 'DELETE', 'UPDATE_RRTYPE', 'PTR_UPDATE', 'PTR_UPDATE_FORCE')),
    -- A record belongs to a ZI or is an operation of an update group, never both.
    CHECK ((zi_id IS NULL) <> (ug_id IS NULL)),
    CHECK ((update_op IS NULL) = (ug_id IS NULL))
);
CREATE INDEX resource_records_zi_id_idx ON resource_records (zi_id) WHERE zi_id IS NOT NULL;
CREATE INDEX resource_records_ug_id_idx ON resource_records (ug_id) WHERE ug_id IS NOT NULL;
CREATE INDEX resource_records_ref_id_idx ON resource_records (ref_id) WHERE ref_id IS NOT NULL;

-- New or changed records must name an existing ZI or update group, reference and
-- comments, and a record's comments must belong to its ZI (or, for update group
-- records, to no ZI).
CREATE FUNCTION dms_check_rr_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT n.zi_id INTO missing
      FROM (SELECT DISTINCT zi_id FROM new_rrs WHERE zi_id IS NOT NULL) n
     WHERE NOT EXISTS (SELECT 1 FROM zone_instances z WHERE z.id = n.zi_id)
     LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('resource_records refers to zone_instances id %s, which does not '
                             'exist', missing);
    END IF;
    SELECT n.ug_id INTO missing
      FROM (SELECT DISTINCT ug_id FROM new_rrs WHERE ug_id IS NOT NULL) n
     WHERE NOT EXISTS (SELECT 1 FROM update_groups g WHERE g.id = n.ug_id)
     LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('resource_records refers to update_groups id %s, which does not '
                             'exist', missing);
    END IF;
    SELECT n.ref_id INTO missing
      FROM (SELECT DISTINCT ref_id FROM new_rrs WHERE ref_id IS NOT NULL) n
     WHERE NOT EXISTS (SELECT 1 FROM reference r WHERE r.id = n.ref_id)
     LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('resource_records refers to reference id %s, which does not exist',
                             missing);
    END IF;
    SELECT refs.c INTO missing
      FROM (SELECT zi_id, comment_group_id AS c FROM new_rrs WHERE comment_group_id IS NOT NULL
            UNION
            SELECT zi_id, comment_rr_id FROM new_rrs WHERE comment_rr_id IS NOT NULL) refs
     WHERE NOT EXISTS (SELECT 1 FROM rr_comments k
                        WHERE k.id = refs.c AND k.zi_id IS NOT DISTINCT FROM refs.zi_id)
     LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('resource_records refers to rr_comments id %s, which does not exist '
                             'or belongs to another zone instance', missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER resource_records_check_refs_ins AFTER INSERT ON resource_records
    REFERENCING NEW TABLE AS new_rrs
    FOR EACH STATEMENT EXECUTE FUNCTION dms_check_rr_refs();
CREATE TRIGGER resource_records_check_refs_upd AFTER UPDATE ON resource_records
    REFERENCING NEW TABLE AS new_rrs
    FOR EACH STATEMENT EXECUTE FUNCTION dms_check_rr_refs();

-- Comments of update group records go with the last record using them. (A ZI's
-- comments go with the ZI.)
CREATE FUNCTION dms_prune_rr_comments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM rr_comments c
     WHERE c.zi_id IS NULL
       AND c.id IN (SELECT comment_group_id FROM old_rrs WHERE comment_group_id IS NOT NULL
                    UNION
                    SELECT comment_rr_id FROM old_rrs WHERE comment_rr_id IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM resource_records r
                        WHERE r.ug_id IS NOT NULL
                          AND (r.comment_group_id = c.id OR r.comment_rr_id = c.id));
    RETURN NULL;
END $$;
CREATE TRIGGER resource_records_prune_comments AFTER DELETE ON resource_records
    REFERENCING OLD TABLE AS old_rrs
    FOR EACH STATEMENT EXECUTE FUNCTION dms_prune_rr_comments();

-- Deleting a ZI deletes its records and comments (ON DELETE CASCADE) ...
CREATE FUNCTION dms_cascade_zi_rrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM resource_records WHERE zi_id IN (SELECT id FROM old_zis);
    DELETE FROM rr_comments WHERE zi_id IN (SELECT id FROM old_zis);
    RETURN NULL;
END $$;
CREATE TRIGGER zone_instances_cascade_rrs AFTER DELETE ON zone_instances
    REFERENCING OLD TABLE AS old_zis
    FOR EACH STATEMENT EXECUTE FUNCTION dms_cascade_zi_rrs();

-- A comment's ZI must exist.
CREATE FUNCTION dms_check_comment_zi() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT n.zi_id INTO missing
      FROM (SELECT DISTINCT zi_id FROM new_comments WHERE zi_id IS NOT NULL) n
     WHERE NOT EXISTS (SELECT 1 FROM zone_instances z WHERE z.id = n.zi_id)
     LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('rr_comments refers to zone_instances id %s, which does not exist',
                             missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER rr_comments_check_zi_ins AFTER INSERT ON rr_comments
    REFERENCING NEW TABLE AS new_comments
    FOR EACH STATEMENT EXECUTE FUNCTION dms_check_comment_zi();
CREATE TRIGGER rr_comments_check_zi_upd AFTER UPDATE ON rr_comments
    REFERENCING NEW TABLE AS new_comments
    FOR EACH STATEMENT EXECUTE FUNCTION dms_check_comment_zi();

-- ... deleting an update group deletes its records (ON DELETE CASCADE) ...
CREATE FUNCTION dms_cascade_ug_rrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM resource_records WHERE ug_id IN (SELECT id FROM old_ugs);
    RETURN NULL;
END $$;
CREATE TRIGGER update_groups_cascade_rrs AFTER DELETE ON update_groups
    REFERENCING OLD TABLE AS old_ugs
    FOR EACH STATEMENT EXECUTE FUNCTION dms_cascade_ug_rrs();

-- ... deleting a reference clears the records' references to it (ON DELETE SET
-- NULL) ...
CREATE FUNCTION dms_clear_rr_reference_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE resource_records SET ref_id = NULL WHERE ref_id IN (SELECT id FROM old_refs);
    RETURN NULL;
END $$;
CREATE TRIGGER reference_clear_rr_refs AFTER DELETE ON reference
    REFERENCING OLD TABLE AS old_refs
    FOR EACH STATEMENT EXECUTE FUNCTION dms_clear_rr_reference_refs();

-- ... and deleting a comment clears the references to it (ON DELETE SET NULL),
-- looking only at the records of the comment's own ZI or at update group records.
CREATE FUNCTION dms_clear_rr_comment_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE resource_records r SET comment_group_id = NULL
      FROM old_comments c
     WHERE r.comment_group_id = c.id
       AND (r.zi_id = c.zi_id OR (c.zi_id IS NULL AND r.ug_id IS NOT NULL));
    UPDATE resource_records r SET comment_rr_id = NULL
      FROM old_comments c
     WHERE r.comment_rr_id = c.id
       AND (r.zi_id = c.zi_id OR (c.zi_id IS NULL AND r.ug_id IS NOT NULL));
    RETURN NULL;
END $$;
CREATE TRIGGER rr_comments_clear_refs AFTER DELETE ON rr_comments
    REFERENCING OLD TABLE AS old_comments
    FOR EACH STATEMENT EXECUTE FUNCTION dms_clear_rr_comment_refs();

-- The triggers above probe indexes whatever the tables' statistics said when a
-- session first planned them (see sql/upgrades/0004_claims_and_trigger_plans.sql).
ALTER FUNCTION dms_check_rr_refs()
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION dms_prune_rr_comments()
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION dms_cascade_zi_rrs()
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION dms_check_comment_zi()
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION dms_cascade_ug_rrs()
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
ALTER FUNCTION dms_clear_rr_reference_refs()
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;

-- ---------------------------------------------------------------------------
-- Security tags: zone_id NULL rows define a tag, others assign it to a zone.
CREATE TABLE zone_sectags (
    id bigserial PRIMARY KEY,
    zone_id bigint REFERENCES sm_zone ON DELETE CASCADE,
    sectag varchar(60) NOT NULL CHECK (sectag ~ '^[-_a-zA-Z0-9.]+$')
);
CREATE UNIQUE INDEX zone_sectags_definition_key ON zone_sectags (sectag) WHERE zone_id IS NULL;
CREATE UNIQUE INDEX zone_sectags_assignment_key ON zone_sectags (zone_id, sectag)
    WHERE zone_id IS NOT NULL;
-- An assigned tag must be defined.
CREATE FUNCTION zone_sectags_check_defined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.zone_id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM zone_sectags WHERE zone_id IS NULL AND sectag = NEW.sectag) THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('security tag %s is not defined', NEW.sectag);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER zone_sectags_defined BEFORE INSERT OR UPDATE ON zone_sectags
    FOR EACH ROW EXECUTE FUNCTION zone_sectags_check_defined();

-- ---------------------------------------------------------------------------
-- Network blocks of reverse zones, for "most specific reverse zone" lookups.
CREATE TABLE reverse_networks (
    id bigserial PRIMARY KEY,
    network cidr NOT NULL,
    zone_id bigint NOT NULL REFERENCES sm_zone ON DELETE CASCADE
);
CREATE INDEX reverse_networks_network_idx ON reverse_networks USING gist (network inet_ops);
CREATE INDEX reverse_networks_zone_id_idx ON reverse_networks (zone_id);

-- ---------------------------------------------------------------------------
-- Central zone defaults (REFERENCE.md 11.2). sg_id NULL = global; a per-SG row
-- overrides it. apex_ns has one row per name server.
CREATE TABLE zone_cfg (
    id bigserial PRIMARY KEY,
    key varchar(40) NOT NULL CHECK (key IN (
        'default_sg', 'default_ref', 'default_stype', 'auto_dnssec', 'edit_lock',
        'inc_updates', 'nsec3', 'use_apex_ns', 'soa_mname', 'soa_rname', 'soa_refresh',
        'soa_retry', 'soa_expire', 'soa_minimum', 'soa_ttl', 'zone_ttl', 'event_max_age',
        'syslog_max_age', 'zi_max_num', 'zi_max_age', 'zone_del_age', 'zone_del_pare_age',
        'apex_ns')),
    value varchar(1024) NOT NULL,
    sg_id bigint REFERENCES server_groups ON DELETE CASCADE,
    ctime timestamptz NOT NULL DEFAULT now(),
    mtime timestamptz NOT NULL DEFAULT now(),
    CHECK (key <> 'soa_mname' OR sg_id IS NOT NULL)
);
CREATE UNIQUE INDEX zone_cfg_single_key ON zone_cfg (key, coalesce(sg_id, 0))
    WHERE key <> 'apex_ns';
CREATE UNIQUE INDEX zone_cfg_apex_ns_key ON zone_cfg (coalesce(sg_id, 0), lower(value))
    WHERE key = 'apex_ns';
CREATE INDEX zone_cfg_sg_id_idx ON zone_cfg (sg_id) WHERE sg_id IS NOT NULL;
CREATE TRIGGER zone_cfg_mtime BEFORE UPDATE ON zone_cfg
    FOR EACH ROW EXECUTE FUNCTION dms_touch_mtime();

-- ---------------------------------------------------------------------------
-- Event types: every event type, its machine, and whether dmsd runs it
-- (queued) or the caller runs it in its own transaction (synchronous).
CREATE TABLE sm_event_types (
    name varchar(80) PRIMARY KEY,
    machine varchar(20) NOT NULL CHECK (machine IN ('ZoneSM', 'MasterSM', 'ServerSM')),
    queued boolean NOT NULL
);
INSERT INTO sm_event_types (name, machine, queued) VALUES
    ('ZoneSMBatchConfig', 'ZoneSM', true),
    ('ZoneSMReconfigCheck', 'ZoneSM', true),
    ('ZoneSMConfig', 'ZoneSM', true),
    ('ZoneSMReconfigUpdate', 'ZoneSM', true),
    ('ZoneSMUpdate', 'ZoneSM', true),
    ('ZoneSMRemoveZoneFiles', 'ZoneSM', true),
    ('ZoneSMEditTimeout', 'ZoneSM', true),
    ('ZoneSMEditUpdate', 'ZoneSM', true),
    ('ZoneSMDoReset', 'ZoneSM', false),
    ('ZoneSMDoBatchConfig', 'ZoneSM', false),
    ('ZoneSMDoConfig', 'ZoneSM', false),
    ('ZoneSMDoReconfig', 'ZoneSM', false),
    ('ZoneSMDoRefresh', 'ZoneSM', false),
    ('ZoneSMDoSgSwap', 'ZoneSM', false),
    ('ZoneSMDoSetAltSg', 'ZoneSM', false),
    ('ZoneSMEnable', 'ZoneSM', false),
    ('ZoneSMDisable', 'ZoneSM', false),
    ('ZoneSMDelete', 'ZoneSM', false),
    ('ZoneSMNukeStart', 'ZoneSM', false),
    ('ZoneSMDoDestroy', 'ZoneSM', false),
    ('ZoneSMUndelete', 'ZoneSM', false),
    ('ZoneSMEdit', 'ZoneSM', false),
    ('ZoneSMEditSavedNoLock', 'ZoneSM', false),
    ('ZoneSMEditExit', 'ZoneSM', false),
    ('ZoneSMEditSaved', 'ZoneSM', false),
    ('ZoneSMEditLockTickle', 'ZoneSM', false),
    ('MasterSMMasterReconfig', 'MasterSM', true),
    ('MasterSMPartialReconfig', 'MasterSM', true),
    ('MasterSMAllReconfig', 'MasterSM', true),
    ('MasterSMHoldTimeout', 'MasterSM', true),
    ('MasterSMReset', 'MasterSM', true),
    ('MasterSMLoadKeys', 'MasterSM', true),
    ('MasterSMSignZone', 'MasterSM', true),
    ('MasterSMBatchHold', 'MasterSM', false),
    ('ServerSMEnable', 'ServerSM', false),
    ('ServerSMDisable', 'ServerSM', false),
    ('ServerSMReset', 'ServerSM', false),
    ('ServerSMConfigure', 'ServerSM', true),
    ('ServerSMConfigChange', 'ServerSM', true),
    ('ServerSMCheckServer', 'ServerSM', true);

-- ---------------------------------------------------------------------------
-- The event queue. Unprocessed events are NEW or RETRY. A dmsd worker claims a due
-- one with FOR UPDATE SKIP LOCKED in the transaction that processes it, so a worker
-- that dies loses its claim with its connection (and the database ends a transaction
-- left idle longer than dmsd's event_lease). claimed_by names the worker that last
-- ran the event; claimed_until is when that run's lease ended.
CREATE TABLE sm_event_queue (
    id bigserial PRIMARY KEY,
    event_type varchar(80) NOT NULL REFERENCES sm_event_types,
    state varchar(20) NOT NULL DEFAULT 'NEW'
        CHECK (state IN ('NEW', 'RETRY', 'SUCCESS', 'FAILURE', 'CANCELLED')),
    scheduled timestamptz NOT NULL DEFAULT now(),
    processed timestamptz,
    created timestamptz NOT NULL DEFAULT now(),
    parameters jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(parameters) = 'object'),
    results jsonb CHECK (results IS NULL OR jsonb_typeof(results) = 'object'),
    -- 200 OK, 210 NOEFFECT, 220 NOCHANGE, 450 ERROR, 460 RESET, 550 FATAL
    result_code integer CHECK (result_code IN (200, 210, 220, 450, 460, 550)),
    zone_id bigint REFERENCES sm_zone ON DELETE SET NULL,
    server_id bigint REFERENCES sm_servers ON DELETE SET NULL,
    master_id bigint REFERENCES sm_master ON DELETE SET NULL,
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error text,
    claimed_by varchar(255),
    claimed_until timestamptz,
    CHECK ((processed IS NULL) = (state IN ('NEW', 'RETRY')))
);
CREATE INDEX sm_event_queue_due_idx ON sm_event_queue (scheduled, id) WHERE processed IS NULL;
CREATE INDEX sm_event_queue_zone_id_idx ON sm_event_queue (zone_id);
CREATE INDEX sm_event_queue_server_id_idx ON sm_event_queue (server_id);
CREATE INDEX sm_event_queue_master_id_idx ON sm_event_queue (master_id);
-- Ageing processed events only: pending ones are found through the partial indexes
-- (see sql/upgrades/0004_claims_and_trigger_plans.sql).
CREATE INDEX sm_event_queue_processed_idx ON sm_event_queue (processed)
    WHERE processed IS NOT NULL;
CREATE INDEX sm_event_queue_state_idx ON sm_event_queue (state, id);
CREATE INDEX sm_event_queue_type_pending_idx ON sm_event_queue (event_type, scheduled)
    WHERE processed IS NULL;
CREATE INDEX sm_event_queue_master_due_idx ON sm_event_queue (scheduled, id)
    WHERE processed IS NULL AND master_id IS NOT NULL;
-- Pending events without a state machine row (their zone destroyed), for claiming.
CREATE INDEX sm_event_queue_other_due_idx ON sm_event_queue (scheduled, id)
    WHERE processed IS NULL AND zone_id IS NULL AND master_id IS NULL;
-- A zone's pending events, for coalescing (the first of a type: its first entry)
-- and the reconciler.
CREATE INDEX sm_event_queue_zone_pending_idx ON sm_event_queue (zone_id, event_type, id)
    WHERE processed IS NULL;
-- dmsd LISTENs on dms_events: a committed pending event wakes it within milliseconds
-- (notifications are sent at commit, one per transaction).
CREATE FUNCTION dms_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_events WHERE processed IS NULL) THEN
        PERFORM pg_notify('dms_events', '');
    END IF;
    RETURN NULL;
END $$;
-- Updates notify only when a pending event's due time moved (a retry, a wake-up):
-- claiming or finishing one is no news to the other workers.
CREATE FUNCTION dms_notify_events_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_events n JOIN old_events o ON o.id = n.id
                WHERE n.processed IS NULL AND n.scheduled IS DISTINCT FROM o.scheduled) THEN
        PERFORM pg_notify('dms_events', '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER sm_event_queue_notify_ins AFTER INSERT ON sm_event_queue
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION dms_notify_events();
CREATE TRIGGER sm_event_queue_notify_upd AFTER UPDATE ON sm_event_queue
    REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION dms_notify_events_moved();

-- ---------------------------------------------------------------------------
-- Audit trail: one row per change made through zone_tool, the API or dmsd.
-- No foreign keys: history outlives the zones and servers it names.
-- In a schema of its own: once `zone_tool create_db` or `upgrade_db` has run as a
-- PostgreSQL superuser, schema and table belong to the role dms_audit and the
-- application role (the database's owner) may only read the table and insert into it
-- (docs/database.md "The audit trail"); the owner of schema public could drop it there.
CREATE SCHEMA dms_audit;
CREATE TABLE dms_audit.audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    change_by varchar(1024) NOT NULL,
    operation varchar(80) NOT NULL,
    subject varchar(1024),
    zone_id bigint,
    server_id bigint,
    details jsonb
);
CREATE INDEX audit_log_at_idx ON dms_audit.audit_log (at);
CREATE INDEX audit_log_zone_id_idx ON dms_audit.audit_log (zone_id) WHERE zone_id IS NOT NULL;
-- vacuum_audit's way to age the trail (sql/upgrades/0010_vacuum_audit.sql): at most
-- `batch` rows older than max_age_days, never younger than 30 days; given to the role
-- dms_audit with the table.
CREATE FUNCTION public.dms_vacuum_audit(max_age_days double precision, batch integer)
    RETURNS bigint LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
    WITH doomed AS (
        SELECT id FROM dms_audit.audit_log
         WHERE at < now() - make_interval(secs => greatest(max_age_days, 30) * 86400)
         ORDER BY at LIMIT greatest(batch, 1)),
    gone AS (
        DELETE FROM dms_audit.audit_log a USING doomed d WHERE a.id = d.id RETURNING 1)
    SELECT count(*) FROM gone
$$;
REVOKE ALL ON FUNCTION public.dms_vacuum_audit(double precision, integer) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Seed data (REFERENCE.md 4): the MasterSM row, one SG, global and per-SG
-- zone_cfg defaults, and the security tags of the standard front ends.
INSERT INTO sm_master (id) VALUES (1);
INSERT INTO server_groups (name) VALUES ('someorg-one');
INSERT INTO zone_cfg (key, value) VALUES
    ('auto_dnssec', 'false'),
    ('default_ref', 'SOMEORG-NET'),
    ('default_sg', 'someorg-one'),
    ('default_stype', 'bind9'),
    ('edit_lock', 'false'),
    ('event_max_age', '120.0'),
    ('inc_updates', 'false'),
    ('nsec3', 'false'),
    ('soa_expire', '7d'),
    ('soa_minimum', '1h'),
    ('soa_refresh', '2h'),
    ('soa_retry', '900'),
    ('soa_rname', 'soa.someorg.net.'),
    ('use_apex_ns', 'true'),
    ('zi_max_age', '90.0'),
    ('zi_max_num', '25'),
    ('zone_del_age', '0.0'),
    ('zone_del_pare_age', '90.0'),
    ('zone_ttl', '1h'),
    ('syslog_max_age', '120.0');
INSERT INTO zone_cfg (key, value, sg_id)
    SELECT k, v, sg.id
      FROM server_groups sg,
           (VALUES ('soa_mname', 'ns1.someorg.net.'),
                   ('apex_ns', 'ns1.someorg.net.'),
                   ('apex_ns', 'ns2.someorg.net.')) AS seed (k, v)
     WHERE sg.name = 'someorg-one';
INSERT INTO zone_sectags (sectag) VALUES ('HOSTED'), ('VALUE_RESELLER');
