SELECT updated_at, deleted_at FROM shopify.${table} WHERE shop_domain = ? AND id = ?
