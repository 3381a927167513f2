INSERT INTO shopify.webhook_inbox (event_key, webhook_id, topic, shop_domain, object_id, object_updated_at, triggered_at,
    api_version, headers, body, received_at, status)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'NEW')
