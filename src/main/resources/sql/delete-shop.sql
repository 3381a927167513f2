DELETE FROM shopify.shops WHERE shop_domain = ?
