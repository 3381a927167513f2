INSERT INTO shopify.dead_letters (shop_domain, source, resource, reason, payload, created_at, inbox_id)
VALUES (?, ?, ?, ?, ?, ?, ?)
