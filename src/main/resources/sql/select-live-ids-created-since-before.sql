-- Reconciliation candidates when the store shows only recent objects: live rows created inside the visible window
-- and last changed before the store's id snapshot was taken (older rows cannot be in the snapshot, so are not judged).
SELECT id FROM shopify.${table} WHERE shop_domain = ? AND deleted_at IS NULL AND ${createdColumn} >= ? AND updated_at < ? ORDER BY id
