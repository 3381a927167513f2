-- When the shop's current install began (set again by accounts add after an uninstall).
SELECT installed_at FROM shopify.shops WHERE shop_domain = :#${exchangeProperty.shop}
