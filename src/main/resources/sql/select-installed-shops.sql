SELECT shop_domain FROM shopify.shops WHERE status = 'INSTALLED' ORDER BY shop_domain
