SELECT sampled_at, shop_domain, resource, rows_written, rows_live, lag_seconds
FROM shopify.status_samples WHERE sampled_at >= ? ORDER BY shop_domain, resource, sampled_at
