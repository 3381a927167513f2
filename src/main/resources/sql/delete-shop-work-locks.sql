-- After a purge: the shop's work-lock rows, except one a finishing step still holds (skipped, never waited for: it is
-- recreated on use, and waiting would hold the purge behind a running import).
DELETE FROM shopify.work_locks WHERE shop_domain = ? AND resource IN (
    SELECT resource FROM shopify.work_locks WHERE shop_domain = ? FOR UPDATE SKIP LOCKED)
