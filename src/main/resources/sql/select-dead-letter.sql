SELECT id, shop_domain, source, resource, reason, created_at, replayed_at, discarded_at, inbox_id
FROM shopify.dead_letters
WHERE id = ?
