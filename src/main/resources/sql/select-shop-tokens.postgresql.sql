-- Every shop's encrypted tokens, locked for re-encryption (keys rotate). NO KEY UPDATE: only token columns change, so
-- webhook intake's KEY SHARE lock on a shop (lock-registered-shops) is not refused during a rotation.
SELECT shop_domain, access_token_enc, token_key_id, refresh_token_enc FROM shopify.shops ORDER BY shop_domain
FOR NO KEY UPDATE
