-- A re-enabled shop: its recorded errors and backoffs are from before; import and polling resume at once.
UPDATE shopify.sync_state SET last_error = NULL, attempts = 0, next_attempt_at = NULL, updated_at = ?
WHERE shop_domain = ?
