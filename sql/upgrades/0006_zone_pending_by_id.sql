-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0006: a zone's pending events of one type, oldest first, straight from one index.
-- The merge look-up of a coalescing zone event (the first pending identical event)
-- reads the first entry of (zone_id, event_type, id); with (zone_id, event_type) it
-- needed a sort, and on a young queue whose statistics were stale the planner chose
-- to scan every pending event instead (3 ms per event during a bulk load).
DROP INDEX sm_event_queue_zone_pending_idx;
CREATE INDEX sm_event_queue_zone_pending_idx ON sm_event_queue (zone_id, event_type, id)
    WHERE processed IS NULL;
