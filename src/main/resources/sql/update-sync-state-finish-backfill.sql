UPDATE shopify.sync_state
SET phase = 'INCREMENTAL', high_water_mark = ?, bulk_operation_id = NULL, bulk_status = NULL, bulk_result_url = NULL,
    bulk_bytes_done = 0, bulk_filter = NULL, page_cursor = NULL, backfill_started_at = NULL, last_success_at = ?, last_error = NULL, attempts = 0,
    next_attempt_at = NULL, updated_at = ?
WHERE shop_domain = ? AND resource = ?
