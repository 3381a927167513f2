SELECT data FROM shopify.customers WHERE shop_domain = ? AND id = ?
