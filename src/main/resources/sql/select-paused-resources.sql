-- Paused resources of every shop with why (accounts list, resume).
SELECT shop_domain, resource, paused_reason, paused_at FROM shopify.sync_state
WHERE paused_at IS NOT NULL
ORDER BY shop_domain, resource
