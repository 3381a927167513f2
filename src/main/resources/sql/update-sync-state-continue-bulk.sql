-- After partial data: forget the finished operation and read the rest with a filter (id >= the last root read) next
-- time. That root is read again, so it leaves the count, and the count so far is where the new filter begins.
UPDATE shopify.sync_state
SET bulk_operation_id = NULL, bulk_status = NULL, bulk_result_url = NULL, bulk_bytes_done = 0, bulk_filter = ?,
    rows_done = GREATEST(rows_done - 1, 0), rows_done_at_filter = GREATEST(rows_done - 1, 0), updated_at = ?
WHERE shop_domain = ? AND resource = ?
