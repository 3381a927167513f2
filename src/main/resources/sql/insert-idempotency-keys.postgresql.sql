-- The idempotent repository's add for many keys in one statement (parameters: processor, created at, the keys as an
-- array); returns the keys that were new.
INSERT INTO shopify.camel_messageprocessed (processorname, messageid, createdat)
SELECT ?, u.k, CAST(? AS TIMESTAMP) FROM unnest(CAST(? AS VARCHAR[])) AS u(k)
ON CONFLICT (processorname, messageid) DO NOTHING
RETURNING messageid
