-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0002: records without per-row foreign keys or comment indexes, so that a big
-- zone's COPY stores records instead of queueing trigger events (1M records:
-- about half the time). Comments now belong to a ZI (rr_comments.zi_id) and go
-- with it; ug_id and ref_id are checked and cascaded per statement like zi_id.

ALTER TABLE rr_comments ADD COLUMN zi_id bigint;
UPDATE rr_comments c SET zi_id = r.zi_id
  FROM (SELECT DISTINCT ON (comment_group_id) comment_group_id AS id, zi_id
          FROM resource_records WHERE comment_group_id IS NOT NULL AND zi_id IS NOT NULL) r
 WHERE c.id = r.id;
UPDATE rr_comments c SET zi_id = r.zi_id
  FROM (SELECT DISTINCT ON (comment_rr_id) comment_rr_id AS id, zi_id
          FROM resource_records WHERE comment_rr_id IS NOT NULL AND zi_id IS NOT NULL) r
 WHERE c.id = r.id AND c.zi_id IS NULL;
UPDATE rr_comments c SET zi_id = z.id
  FROM zone_instances z
 WHERE z.apex_comment_group_id = c.id AND c.zi_id IS NULL;
CREATE INDEX rr_comments_zi_id_idx ON rr_comments (zi_id) WHERE zi_id IS NOT NULL;

ALTER TABLE resource_records DROP CONSTRAINT resource_records_ug_id_fkey,
    DROP CONSTRAINT resource_records_ref_id_fkey;
DROP INDEX resource_records_zi_label_idx;
DROP INDEX resource_records_comment_group_idx;
DROP INDEX resource_records_comment_rr_idx;
CREATE INDEX resource_records_zi_id_idx ON resource_records (zi_id) WHERE zi_id IS NOT NULL;

CREATE OR REPLACE FUNCTION dms_check_rr_refs() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION dms_prune_rr_comments() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION dms_cascade_zi_rrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM resource_records WHERE zi_id IN (SELECT id FROM old_zis);
    DELETE FROM rr_comments WHERE zi_id IN (SELECT id FROM old_zis);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dms_clear_rr_comment_refs() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE FUNCTION dms_cascade_ug_rrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM resource_records WHERE ug_id IN (SELECT id FROM old_ugs);
    RETURN NULL;
END $$;
CREATE TRIGGER update_groups_cascade_rrs AFTER DELETE ON update_groups
    REFERENCING OLD TABLE AS old_ugs
    FOR EACH STATEMENT EXECUTE FUNCTION dms_cascade_ug_rrs();

CREATE FUNCTION dms_clear_rr_reference_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE resource_records SET ref_id = NULL WHERE ref_id IN (SELECT id FROM old_refs);
    RETURN NULL;
END $$;
CREATE TRIGGER reference_clear_rr_refs AFTER DELETE ON reference
    REFERENCING OLD TABLE AS old_refs
    FOR EACH STATEMENT EXECUTE FUNCTION dms_clear_rr_reference_refs();
