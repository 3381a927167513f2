SELECT shop_domain, access_token_enc, token_key_id, refresh_token_enc FROM shopify.shops ORDER BY shop_domain FOR UPDATE
