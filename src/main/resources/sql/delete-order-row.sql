DELETE FROM shopify.orders WHERE shop_domain = ? AND id = ?
