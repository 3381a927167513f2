-- Held until the holder's transaction ends (or its connection dies); a row someone else holds is skipped, never waited for.
SELECT shop_domain FROM shopify.work_locks WHERE shop_domain = ? AND resource = ?
FOR UPDATE SKIP LOCKED
