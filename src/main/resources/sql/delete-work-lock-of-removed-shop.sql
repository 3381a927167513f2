-- When a step releases its work lock: the row goes if the shop was purged meanwhile (a purge skips the row of a step
-- still running, never waiting for it), so nothing of a removed shop stays behind.
DELETE FROM shopify.work_locks WHERE shop_domain = ? AND resource = ?
  AND NOT EXISTS (SELECT 1 FROM shopify.shops WHERE shop_domain = ?)
