UPDATE shopify.sync_state SET reconcile_operation_id = NULL, reconciled_at = ?, updated_at = ?
WHERE shop_domain = ? AND resource = ?
