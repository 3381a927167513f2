SELECT id, updated_at FROM shopify.${table} WHERE shop_domain = ? AND deleted_at IS NULL ORDER BY id
