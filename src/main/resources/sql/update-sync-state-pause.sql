-- Pauses one resource of a shop; only the first refusal changes the row (one dead letter per pause, not per attempt).
UPDATE shopify.sync_state SET paused_reason = ?, paused_at = ?, updated_at = ?
WHERE shop_domain = ? AND resource = ? AND paused_at IS NULL
