-- One delivery into the inbox; an event stored already (the idempotency key was purged, say) is left as it is.
INSERT INTO shopify.webhook_inbox (event_key, webhook_id, topic, shop_domain, object_id, object_updated_at, triggered_at,
    api_version, headers, body, received_at, status)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'NEW')
ON CONFLICT (shop_domain, event_key) DO NOTHING
