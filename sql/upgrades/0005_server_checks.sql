-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0005: what dmsd's ServerSM records about each slave beyond the original: the
-- consecutive failures its retries back off with, the SOA probe's round trip (shown
-- as reachability instead of a ping), and the zones behind the master's serial at
-- the last check.
ALTER TABLE sm_servers
    ADD COLUMN retry_count integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
    ADD COLUMN probe_rtt_ms double precision CHECK (probe_rtt_ms >= 0),
    ADD COLUMN lagging_zones bigint CHECK (lagging_zones >= 0),
    ADD COLUMN last_check timestamptz;
