-- One delivery into the inbox; an event stored already (the idempotency key was purged, say) is left as it is.
INSERT INTO shopify.webhook_inbox (event_key, webhook_id, topic, shop_domain, object_id, object_updated_at, triggered_at,
    api_version, headers, body, received_at, status)
SELECT ?, ?, ?, ?, CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), ?, ?, ?, CAST(? AS TIMESTAMPTZ), 'NEW'
WHERE NOT EXISTS (SELECT 1 FROM shopify.webhook_inbox x WHERE x.shop_domain = ? AND x.event_key = ?)
ON CONFLICT (shop_domain, event_key) DO NOTHING
