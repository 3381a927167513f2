-- One sample per bucket, shop and resource: a second sampling of the same bucket changes nothing. Named parameters:
-- the status-sample route sends the rows of StatusSampler#samples as one batch (sql:...?batch=true).
INSERT INTO shopify.status_samples (sampled_at, shop_domain, resource, rows_written, rows_live, lag_seconds)
SELECT CAST(:#bucket AS TIMESTAMP WITH TIME ZONE), CAST(:#shop AS VARCHAR), CAST(:#resource AS VARCHAR),
       CAST(:#rowsWritten AS BIGINT), CAST(:#rowsLive AS BIGINT), CAST(:#lagSeconds AS BIGINT) FROM (VALUES (1)) one
WHERE NOT EXISTS (SELECT 1 FROM shopify.status_samples x WHERE x.sampled_at = :#bucket AND x.shop_domain = :#shop
                  AND x.resource = :#resource)
