-- The idempotent repository's add in one statement: 1 row when the key is new, 0 when it is there already.
MERGE INTO shopify.camel_messageprocessed t
USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)), CAST(? AS TIMESTAMP))) k (processorname, messageid, createdat)
ON t.processorname = k.processorname AND t.messageid = k.messageid
WHEN NOT MATCHED THEN INSERT (processorname, messageid, createdat) VALUES (k.processorname, k.messageid, k.createdat)
