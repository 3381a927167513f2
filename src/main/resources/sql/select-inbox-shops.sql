-- Shops with work waiting, oldest first: each gets its own claim, so one busy shop cannot starve the rest.
SELECT shop_domain FROM shopify.webhook_inbox
WHERE status = 'NEW' OR (status = 'CLAIMED' AND claimed_at < ?)
GROUP BY shop_domain ORDER BY MIN(id)
