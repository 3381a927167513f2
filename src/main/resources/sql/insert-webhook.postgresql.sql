-- One delivery into the inbox, only for a registered shop (0 rows when it is not, or when the event is stored already).
INSERT INTO shopify.webhook_inbox (event_key, webhook_id, topic, shop_domain, object_id, object_updated_at, triggered_at,
    api_version, headers, body, received_at, status)
SELECT ?, ?, ?, s.shop_domain, CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), ?, ?, ?, CAST(? AS TIMESTAMPTZ), 'NEW'
FROM shopify.shops s
WHERE s.shop_domain = ? AND NOT EXISTS (SELECT 1 FROM shopify.webhook_inbox x WHERE x.shop_domain = s.shop_domain AND x.event_key = ?)
ON CONFLICT (shop_domain, event_key) DO NOTHING
