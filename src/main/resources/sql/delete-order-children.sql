DELETE FROM shopify.${table} WHERE shop_domain = ? AND order_id = ?
