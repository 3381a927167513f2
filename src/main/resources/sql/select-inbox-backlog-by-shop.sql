-- Webhook deliveries stored but not yet processed, per shop, with the oldest one's arrival.
SELECT shop_domain, COUNT(*) AS pending, MIN(received_at) AS oldest
FROM shopify.webhook_inbox
WHERE status IN ('NEW', 'CLAIMED')
GROUP BY shop_domain
