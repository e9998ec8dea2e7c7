-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0007: a record's label holds any owner name. Labels are stored in ldns's
-- presentation form, where an octet outside letters, digits, '-' and '_' is written
-- \DDD: a valid name of 255 octets can take about 1,000 characters, and
-- varchar(255) refused such zones with "value too long" (no data is rewritten: text
-- and varchar are stored alike).
ALTER TABLE resource_records ALTER COLUMN label TYPE text;
