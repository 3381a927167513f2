UPDATE shopify.sync_state SET deletions_checked_at = ?, updated_at = ? WHERE shop_domain = ? AND resource = ?
