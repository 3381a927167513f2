-- A deletion: the row stays as a tombstone (purged later) so a stale retry cannot bring it back.
UPDATE shopify.${table} SET deleted_at = ? WHERE shop_domain = ? AND id = ? AND deleted_at IS NULL
