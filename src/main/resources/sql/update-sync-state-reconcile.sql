UPDATE shopify.sync_state SET reconcile_operation_id = ?, reconcile_started_at = ?, updated_at = ?
WHERE shop_domain = ? AND resource = ?
