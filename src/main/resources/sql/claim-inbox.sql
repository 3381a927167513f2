-- Rows of one shop that no other instance holds (SKIP LOCKED, on H2 too); claims left by a dead instance are taken back.
SELECT id, topic, object_id, object_updated_at, body, attempts FROM shopify.webhook_inbox
WHERE shop_domain = ? AND (status = 'NEW' OR (status = 'CLAIMED' AND claimed_at < ?))
ORDER BY id LIMIT ?
FOR UPDATE SKIP LOCKED
