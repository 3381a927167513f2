-- 1 while the shop is registered (whatever its status), 0 once it was removed or redacted.
SELECT COUNT(*) FROM shopify.shops WHERE shop_domain = :#${exchangeProperty.shop}
