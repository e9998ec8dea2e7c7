-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0008: ServerSM repairs the zones its checks find behind the master (NOTIFY again,
-- rndc retransfer, the configuration sent again) and counts them; a zone the server
-- is still loading after its configuration is not behind yet, so the time of the
-- last configuration is kept.
ALTER TABLE sm_servers
    ADD COLUMN repairs bigint NOT NULL DEFAULT 0 CHECK (repairs >= 0),
    ADD COLUMN configured_at timestamptz;
