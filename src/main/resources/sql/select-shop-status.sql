SELECT status FROM shopify.shops WHERE shop_domain = ?
