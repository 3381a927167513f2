-- An export that runs again from its start counts its rows again: progress starts over instead of counting them twice.
UPDATE shopify.sync_state SET rows_done = 0, updated_at = ?
WHERE shop_domain = ? AND resource = ?
