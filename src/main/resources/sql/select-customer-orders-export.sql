SELECT data FROM shopify.orders WHERE shop_domain = ? AND customer_id = ?
