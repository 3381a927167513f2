-- A bulk batch's rows are COPYed here first: a temporary table is private to the session, never WAL-logged, has no
-- index to maintain and vanishes with a killed connection; ON COMMIT DELETE ROWS empties it after every batch.
CREATE TEMPORARY TABLE IF NOT EXISTS ${staging} (${column_definitions}) ON COMMIT DELETE ROWS
