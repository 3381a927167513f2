UPDATE shopify.sync_state SET import_mode = ?, page_cursor = NULL, bulk_started_at = COALESCE(bulk_started_at, ?), updated_at = ?
WHERE shop_domain = ? AND resource = ?
