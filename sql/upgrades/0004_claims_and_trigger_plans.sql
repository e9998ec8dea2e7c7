-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0004: the statement-level triggers plan their look-ups as index probes.
-- PL/pgSQL keeps a trigger's plans for the session; planned while a table was still
-- small (a fresh database during a bulk load, before autovacuum has analyzed it),
-- they scanned the whole of zone_instances or rr_comments on every insert, so a bulk
-- load slowed down linearly (0.02 ms -> 2 ms per statement at 10,000 zones).
-- The transition tables are small and the probed columns are indexed: nested loops
-- over the indexes are right at every size. (dms_clear_rr_comment_refs keeps the
-- planner's choice: its records are found by comment, which has no index.)
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

-- dmsd claims an event and locks its state machine row in one statement; the events
-- without one (their zone destroyed) are found by their own index.
CREATE INDEX sm_event_queue_other_due_idx ON sm_event_queue (scheduled, id)
    WHERE processed IS NULL AND zone_id IS NULL AND master_id IS NULL;

-- Pending events are found through the partial indexes above. An index of every
-- event's processed time also offered "processed IS NULL", and plans made on a small
-- queue took it: a claim then sorted the whole backlog (10,000 events during a bulk
-- load) for every event. It now serves only what it is for, ageing processed events.
DROP INDEX sm_event_queue_processed_idx;
CREATE INDEX sm_event_queue_processed_idx ON sm_event_queue (processed)
    WHERE processed IS NOT NULL;
