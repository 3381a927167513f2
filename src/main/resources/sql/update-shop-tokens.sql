-- A refreshed pair, stored together: the old refresh token is spent the moment Shopify answered.
UPDATE shopify.shops SET access_token_enc = ?, refresh_token_enc = ?, token_key_id = ?, token_expires_at = ?, updated_at = ?,
    token_version = token_version + 1
WHERE shop_domain = ?
