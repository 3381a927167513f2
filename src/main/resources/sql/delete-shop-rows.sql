DELETE FROM shopify.${table} WHERE shop_domain = ?
