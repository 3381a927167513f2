SELECT shop_domain, access_token_enc, token_key_id FROM shopify.shops ORDER BY shop_domain FOR UPDATE
