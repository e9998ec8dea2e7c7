-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0003: dmsd wakes up on committed events (LISTEN dms_events) instead of polling;
-- indexes for claiming master events first and for finding a zone's pending events.

CREATE INDEX sm_event_queue_master_due_idx ON sm_event_queue (scheduled, id)
    WHERE processed IS NULL AND master_id IS NOT NULL;
-- A zone's pending events, for coalescing and the reconciler.
CREATE INDEX sm_event_queue_zone_pending_idx ON sm_event_queue (zone_id, event_type)
    WHERE processed IS NULL;

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
