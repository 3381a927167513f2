-- A re-enabled shop: forget the bulk operation recorded before (it failed, or belongs to the old install), unless
-- its result is ready to read; the import starts a new one instead of re-reading the failure.
UPDATE shopify.sync_state
SET bulk_operation_id = NULL, bulk_status = NULL, bulk_result_url = NULL, bulk_bytes_done = 0, updated_at = ?
WHERE shop_domain = ? AND phase = 'BACKFILL' AND bulk_operation_id IS NOT NULL
  AND (bulk_status IS NULL OR bulk_status NOT IN ('COMPLETED', 'PARTIAL'))
