-- Reconciliation candidates: live rows last changed before the store's id snapshot was taken.
SELECT id FROM shopify.${table} WHERE shop_domain = ? AND deleted_at IS NULL AND updated_at < ? ORDER BY id
