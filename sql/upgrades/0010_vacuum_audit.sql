-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0010: zone_tool vacuum_audit ages the audit trail. Once a superuser has handed
-- dms_audit.audit_log to the role dms_audit (docs/database.md "The audit trail"), the
-- application role may not delete from it; this function, which the same hand-over gives
-- to dms_audit, deletes for it: at most `batch` rows, only rows older than
-- `max_age_days` and never any younger than 30 days, whatever the caller asks (a caller
-- that could wipe recent history could hide what it just did). SECURITY DEFINER with a
-- fixed search_path, so that it resolves nothing the caller could plant.
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
