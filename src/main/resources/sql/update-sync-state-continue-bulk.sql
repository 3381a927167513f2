-- After partial data: forget the finished operation and read the rest with a filter next time.
UPDATE shopify.sync_state
SET bulk_operation_id = NULL, bulk_status = NULL, bulk_result_url = NULL, bulk_bytes_done = 0, bulk_filter = ?,
    bulk_started_at = COALESCE(?, bulk_started_at), updated_at = ?
WHERE shop_domain = ? AND resource = ?
