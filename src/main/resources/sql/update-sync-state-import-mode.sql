-- Paging starts over what the filter selects (from no cursor): progress goes back to where the filter began.
UPDATE shopify.sync_state SET import_mode = ?, page_cursor = NULL, rows_done = rows_done_at_filter, bulk_started_at = COALESCE(bulk_started_at, ?), updated_at = ?
WHERE shop_domain = ? AND resource = ?
