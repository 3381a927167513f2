-- The idempotent repository's add in one statement: 1 row when the key is new, 0 when it is there already.
INSERT INTO shopify.camel_messageprocessed (processorname, messageid, createdat) VALUES (?, ?, ?)
ON CONFLICT (processorname, messageid) DO NOTHING
