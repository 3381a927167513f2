-- One delivery into the inbox; an event stored already (the idempotency key was purged, say) is left as it is.
INSERT INTO shopify.webhook_inbox (event_key, webhook_id, topic, shop_domain, object_id, object_updated_at, triggered_at,
    api_version, headers, body, received_at, status)
SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'NEW' FROM (VALUES (1)) one
WHERE NOT EXISTS (SELECT 1 FROM shopify.webhook_inbox x WHERE x.shop_domain = ? AND x.event_key = ?)
