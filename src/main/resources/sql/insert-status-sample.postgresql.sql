-- One sample per bucket, shop and resource: a second instance sampling the same bucket changes nothing.
INSERT INTO shopify.status_samples (sampled_at, shop_domain, resource, rows_written, rows_live, lag_seconds)
SELECT CAST(? AS TIMESTAMPTZ), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT)
WHERE NOT EXISTS (SELECT 1 FROM shopify.status_samples x WHERE x.sampled_at = ? AND x.shop_domain = ? AND x.resource = ?)
ON CONFLICT (sampled_at, shop_domain, resource) DO NOTHING
