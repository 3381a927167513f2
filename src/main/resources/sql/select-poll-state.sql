SELECT high_water_mark, deletions_checked_at, reconcile_operation_id, reconcile_started_at, reconciled_at, attempts,
       poll_window_from, poll_cursor
FROM shopify.sync_state WHERE shop_domain = ? AND resource = ?
