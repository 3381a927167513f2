-- Up to webhook.process.batch of one shop's due deliveries (a NEW one whose backoff ran out, or a claim older than the
-- claim timeout) that no other instance holds: SKIP LOCKED passes over rows another transaction is claiming (on H2 too).
SELECT id, topic, object_id, object_updated_at, body, attempts, triggered_at FROM shopify.webhook_inbox
WHERE shop_domain = :#${exchangeProperty.shop}
  AND ((status = 'NEW' AND (next_attempt_at IS NULL OR next_attempt_at <= :#${exchangeProperty.now}))
       OR (status = 'CLAIMED' AND claimed_at < :#${exchangeProperty.claimTimedOutBefore}))
ORDER BY id LIMIT :#${exchangeProperty.batchSize}
FOR UPDATE SKIP LOCKED
