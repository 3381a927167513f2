SELECT c.id, c.${parent_column}
FROM shopify.${table} c
JOIN shopify.${parent_table} p ON p.shop_domain = c.shop_domain AND p.id = c.${parent_column} AND p.deleted_at IS NULL
WHERE c.shop_domain = ? AND c.deleted_at IS NULL
ORDER BY c.id
