SELECT api_url, access_token_enc, token_key_id, status, token_kind, refresh_token_enc, token_expires_at, token_version
FROM shopify.shops WHERE shop_domain = ?
