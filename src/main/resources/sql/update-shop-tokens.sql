-- A refreshed pair, stored together: the old refresh token is spent the moment Shopify answered.
UPDATE shopify.shops SET access_token_enc = ?, refresh_token_enc = ?, token_key_id = ?, token_expires_at = ?, updated_at = ?
WHERE shop_domain = ?
