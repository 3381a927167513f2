UPDATE shopify.sync_state
SET bulk_operation_id = ?, bulk_started_at = ?, bulk_status = 'CREATED', bulk_result_url = NULL, bulk_bytes_done = 0,
    rows_total = COALESCE(?, rows_total), last_error = NULL, next_attempt_at = NULL, updated_at = ?
WHERE shop_domain = ? AND resource = ?
