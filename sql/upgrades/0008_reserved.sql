-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0008: reserved for 0008_server_repairs.sql of another branch (issue 11 item 4),
-- which replaces this file when the branches are merged. Changes nothing.
SELECT 8;
