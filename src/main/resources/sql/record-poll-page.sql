-- A polled page, in the transaction that wrote its rows (poll route): the high-water mark only moves forward, and
-- only once the page is stored; a page without any updatedAt leaves it where it is.
UPDATE shopify.sync_state
SET high_water_mark = CASE WHEN high_water_mark IS NULL OR high_water_mark < :#${exchangeProperty.pageMaxUpdatedAt}
        THEN COALESCE(:#${exchangeProperty.pageMaxUpdatedAt}, high_water_mark) ELSE high_water_mark END,
    rows_done = rows_done + :#${exchangeProperty.pageRoots}, last_success_at = :#${exchangeProperty.pageWrittenAt},
    last_poll_at = :#${exchangeProperty.pageWrittenAt}, last_error = NULL, attempts = 0, next_attempt_at = NULL,
    updated_at = :#${exchangeProperty.pageWrittenAt}
WHERE shop_domain = :#${exchangeProperty.shop} AND resource = :#${exchangeProperty.resource}
