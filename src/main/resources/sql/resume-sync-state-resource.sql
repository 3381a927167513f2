-- As resume-sync-state, for one resource of the shop.
UPDATE shopify.sync_state
SET paused_reason = NULL, paused_at = NULL, last_error = NULL, attempts = 0, next_attempt_at = NULL, updated_at = ?
WHERE shop_domain = ? AND paused_at IS NOT NULL AND resource = ?
