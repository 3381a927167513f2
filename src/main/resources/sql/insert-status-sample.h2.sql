-- One sample per bucket, shop and resource: a second sampling of the same bucket changes nothing.
INSERT INTO shopify.status_samples (sampled_at, shop_domain, resource, rows_written, rows_live, lag_seconds)
SELECT CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS BIGINT),
       CAST(? AS BIGINT) FROM (VALUES (1)) one
WHERE NOT EXISTS (SELECT 1 FROM shopify.status_samples x WHERE x.sampled_at = ? AND x.shop_domain = ? AND x.resource = ?)
