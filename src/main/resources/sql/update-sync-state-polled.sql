UPDATE shopify.sync_state SET last_success_at = ?, last_poll_at = ?, last_error = NULL, attempts = 0, next_attempt_at = NULL,
    poll_window_from = ?, poll_cursor = ?, updated_at = ?
WHERE shop_domain = ? AND resource = ?
