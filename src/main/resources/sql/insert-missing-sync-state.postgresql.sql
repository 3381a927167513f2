-- Every installed shop gets a BACKFILL row for a resource it has none for (new shops, new catalog entries).
INSERT INTO shopify.sync_state (shop_domain, resource, phase, updated_at)
SELECT s.shop_domain, ?, 'BACKFILL', ? FROM shopify.shops s
WHERE s.status = 'INSTALLED'
  AND NOT EXISTS (SELECT 1 FROM shopify.sync_state x WHERE x.shop_domain = s.shop_domain AND x.resource = ?)
ON CONFLICT (shop_domain, resource) DO NOTHING
