-- After a purge: the shop's work-lock rows, except one a finishing step still holds (skipped, never waited for: the
-- step deletes it when it lets go, delete-work-lock-of-removed-shop.sql, and waiting would hold the purge behind an import).
DELETE FROM shopify.work_locks WHERE shop_domain = ? AND resource IN (
    SELECT resource FROM shopify.work_locks WHERE shop_domain = ? FOR UPDATE SKIP LOCKED)
