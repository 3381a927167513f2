-- The lock row of a shop and resource, created on first use (a racing duplicate fails on the primary key).
INSERT INTO shopify.work_locks (shop_domain, resource)
SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM shopify.work_locks WHERE shop_domain = ? AND resource = ?)
