-- The store refuses bulk operations: this resource's import and catch-ups read pages from now on (no operation is
-- recorded, so none is checked or retried); the reason shows in status.
UPDATE shopify.sync_state
SET import_mode = 'PAGED', import_mode_reason = ?, page_cursor = NULL, bulk_started_at = COALESCE(bulk_started_at, ?),
    bulk_operation_id = NULL, bulk_status = NULL, bulk_result_url = NULL, bulk_bytes_done = 0, updated_at = ?
WHERE shop_domain = ? AND resource = ?
