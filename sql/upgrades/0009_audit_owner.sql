-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0009: the audit trail moves to a schema of its own, dms_audit, so that it can belong
-- to another role than the application's: in schema public the application role, as
-- the owner of the database (and so of schema public), could drop it. Indexes and the
-- id sequence move with the table. Handing schema and table to the role dms_audit
-- takes a superuser: zone_tool create_db / upgrade_db do it when run as one (see
-- docs/database.md "The audit trail").
CREATE SCHEMA dms_audit;
ALTER TABLE audit_log SET SCHEMA dms_audit;
