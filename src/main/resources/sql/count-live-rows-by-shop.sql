SELECT shop_domain, COUNT(*) AS live_rows FROM shopify.${table} WHERE deleted_at IS NULL GROUP BY shop_domain
