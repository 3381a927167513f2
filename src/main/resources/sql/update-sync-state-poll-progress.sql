-- A polled page, committed with its rows: the high-water mark only moves once the page is stored.
UPDATE shopify.sync_state
SET high_water_mark = CASE WHEN high_water_mark IS NULL OR high_water_mark < ? THEN ? ELSE high_water_mark END,
    rows_done = rows_done + ?, last_success_at = ?, last_poll_at = ?, last_error = NULL, attempts = 0,
    next_attempt_at = NULL, updated_at = ?
WHERE shop_domain = ? AND resource = ?
