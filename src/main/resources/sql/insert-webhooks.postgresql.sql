-- Many deliveries into the inbox in one statement, each only for a registered shop and only once. Parameters: one
-- array per column (strings; timestamps as 'yyyy-MM-dd HH:mm:ss.SSSSSS+hh:mm').
INSERT INTO shopify.webhook_inbox (event_key, webhook_id, topic, shop_domain, object_id, object_updated_at, triggered_at,
    api_version, headers, body, received_at, status)
SELECT d.event_key, d.webhook_id, d.topic, s.shop_domain, CAST(d.object_id AS BIGINT),
    CAST(d.object_updated_at AS TIMESTAMPTZ), CAST(d.triggered_at AS TIMESTAMPTZ), d.api_version, d.headers, d.body,
    CAST(d.received_at AS TIMESTAMPTZ), 'NEW'
FROM unnest(CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]),
        CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]),
        CAST(? AS VARCHAR[]))
    AS d(event_key, webhook_id, topic, shop_domain, object_id, object_updated_at, triggered_at, api_version, headers, body,
         received_at)
JOIN shopify.shops s ON s.shop_domain = d.shop_domain
ON CONFLICT (shop_domain, event_key) DO NOTHING
