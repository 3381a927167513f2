-- Rows of one shop; H2 has no SKIP LOCKED, and is only ever used by one process at a time.
SELECT id, topic, object_id, object_updated_at, body, attempts FROM shopify.webhook_inbox
WHERE shop_domain = ? AND (status = 'NEW' OR (status = 'CLAIMED' AND claimed_at < ?))
ORDER BY id LIMIT ?
FOR UPDATE
