SELECT resource FROM shopify.sync_state WHERE shop_domain = ? AND paused_at IS NOT NULL
