UPDATE shopify.dead_letters SET discarded_at = ? WHERE id = ? AND discarded_at IS NULL
