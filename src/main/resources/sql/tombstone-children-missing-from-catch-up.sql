-- A catch-up read each changed parent with every child it has: a child of a parent the catch-up wrote, that the
-- catch-up did not write, was removed in the store. Nothing matches while backfill_started_at is NULL (no catch-up).
UPDATE shopify.${table} SET deleted_at = ?
WHERE shop_domain = ? AND deleted_at IS NULL
  AND synced_at < (SELECT backfill_started_at FROM shopify.sync_state WHERE shop_domain = ? AND resource = ?)
  AND ${parent_column} IN (
      SELECT p.id FROM shopify.${parent_table} p
      WHERE p.shop_domain = ?
        AND p.synced_at >= (SELECT backfill_started_at FROM shopify.sync_state WHERE shop_domain = ? AND resource = ?))
