SELECT shop_domain FROM shopify.shops WHERE status = 'INSTALLED' AND subscriptions_checked_at IS NULL ORDER BY shop_domain
