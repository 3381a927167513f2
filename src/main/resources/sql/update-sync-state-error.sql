UPDATE shopify.sync_state SET last_error = ?, attempts = attempts + 1, next_attempt_at = ?, updated_at = ?
WHERE shop_domain = ? AND resource = ?
