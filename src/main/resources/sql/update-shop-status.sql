UPDATE shopify.shops SET status = ?, status_reason = ?, updated_at = ? WHERE shop_domain = ?
