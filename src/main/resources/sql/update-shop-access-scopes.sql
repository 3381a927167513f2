-- The granted access scopes as just read from the shop (updated_at untouched: the scopes are not a registration change).
UPDATE shopify.shops SET access_scopes = ?, access_scopes_checked_at = ? WHERE shop_domain = ?
