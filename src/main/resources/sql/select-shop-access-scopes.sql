SELECT access_scopes, access_scopes_checked_at FROM shopify.shops WHERE shop_domain = ?
