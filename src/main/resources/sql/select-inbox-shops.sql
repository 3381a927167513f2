-- Shops with work due, oldest first: each gets its own claim, so one busy shop cannot starve the rest. A delivery
-- waiting out its retry backoff (next_attempt_at after now) is not due yet.
SELECT shop_domain FROM shopify.webhook_inbox
WHERE (status = 'NEW' AND (next_attempt_at IS NULL OR next_attempt_at <= :#${exchangeProperty.now}))
   OR (status = 'CLAIMED' AND claimed_at < :#${exchangeProperty.claimTimedOutBefore})
GROUP BY shop_domain ORDER BY MIN(id)
