UPDATE shopify.dead_letters SET replayed_at = ?
WHERE id = ? AND replayed_at IS NULL AND discarded_at IS NULL
