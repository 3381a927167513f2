-- A page of a paged import, committed with its rows: the cursor to continue from.
UPDATE shopify.sync_state SET page_cursor = ?, rows_done = rows_done + ?, updated_at = ?
WHERE shop_domain = ? AND resource = ?
