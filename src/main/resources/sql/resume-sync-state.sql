-- The operator says the permission is granted: every paused resource of the shop continues where it stopped (phase,
-- page cursor and high-water mark are kept) at once, without its old backoff.
UPDATE shopify.sync_state
SET paused_reason = NULL, paused_at = NULL, last_error = NULL, attempts = 0, next_attempt_at = NULL, updated_at = ?
WHERE shop_domain = ? AND paused_at IS NOT NULL
