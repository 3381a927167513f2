-- Committed in the same transaction as the rows it counts, so a kill never loses or repeats progress.
UPDATE shopify.sync_state SET bulk_bytes_done = ?, rows_done = rows_done + ?, updated_at = ?
WHERE shop_domain = ? AND resource = ? AND bulk_operation_id = ?
