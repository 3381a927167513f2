-- A non-expiring token exchanged for an expiring pair: Shopify no longer accepts the old one, so store both at once. A shop
-- that went AUTH_FAILED meanwhile (an instance met the old token after an exchange whose answer was lost) is usable again.
UPDATE shopify.shops SET token_kind = 'EXPIRING', access_token_enc = ?, refresh_token_enc = ?, token_key_id = ?, token_expires_at = ?,
    status = CASE WHEN status = 'AUTH_FAILED' THEN 'INSTALLED' ELSE status END,
    status_reason = CASE WHEN status = 'AUTH_FAILED' THEN NULL ELSE status_reason END,
    updated_at = ?, token_version = token_version + 1
WHERE shop_domain = ? AND token_kind = 'STATIC'
