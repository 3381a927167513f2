-- Rows of one shop that no other instance holds (SKIP LOCKED, on H2 too) and whose backoff has run out (parameter 2:
-- now); claims left by a dead instance (claimed before parameter 3) are taken back.
SELECT id, topic, object_id, object_updated_at, body, attempts, triggered_at FROM shopify.webhook_inbox
WHERE shop_domain = ?
  AND ((status = 'NEW' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) OR (status = 'CLAIMED' AND claimed_at < ?))
ORDER BY id LIMIT ?
FOR UPDATE SKIP LOCKED
