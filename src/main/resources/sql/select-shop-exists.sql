SELECT 1 FROM shopify.shops WHERE shop_domain = ?
