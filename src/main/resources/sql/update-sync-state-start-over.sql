-- A new operation for the same filter (the last one failed, vanished or its link died): it reads again what the filter
-- selects, so progress goes back to where the filter began.
UPDATE shopify.sync_state
SET bulk_operation_id = NULL, bulk_status = NULL, bulk_result_url = NULL, bulk_bytes_done = 0, rows_done = rows_done_at_filter,
    updated_at = ?
WHERE shop_domain = ? AND resource = ?
