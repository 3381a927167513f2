SELECT api_url, access_token_enc, token_key_id, status FROM shopify.shops WHERE shop_domain = ?
