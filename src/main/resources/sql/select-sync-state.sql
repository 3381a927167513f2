SELECT phase, bulk_operation_id, bulk_started_at, bulk_status, bulk_result_url, bulk_bytes_done, bulk_filter,
       import_mode, page_cursor, high_water_mark, rows_done, rows_total, attempts, paused_reason, import_mode_reason
FROM shopify.sync_state WHERE shop_domain = ? AND resource = ?
