UPDATE shopify.shops SET access_token_enc = ?, refresh_token_enc = ?, token_key_id = ?, updated_at = ? WHERE shop_domain = ?
