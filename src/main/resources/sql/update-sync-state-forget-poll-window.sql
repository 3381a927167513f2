UPDATE shopify.sync_state SET poll_window_from = NULL, poll_cursor = NULL, updated_at = ?
WHERE shop_domain = ? AND resource = ?
