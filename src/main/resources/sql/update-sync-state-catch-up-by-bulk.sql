-- Too much changed for paging: the import route reads it with a filtered bulk operation, then polling resumes.
UPDATE shopify.sync_state
SET phase = 'BACKFILL', bulk_filter = ?, bulk_operation_id = NULL, bulk_status = NULL, bulk_result_url = NULL,
    bulk_bytes_done = 0, bulk_started_at = NULL, rows_total = ?, rows_done = 0, rows_done_at_filter = 0, backfill_started_at = ?, updated_at = ?
WHERE shop_domain = ? AND resource = ?
