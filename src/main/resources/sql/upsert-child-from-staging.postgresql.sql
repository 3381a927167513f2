-- The staged child rows of one bulk batch (one per id), set-based: the same rule as upsert-child.
INSERT INTO shopify.${table} AS t (${columns})
SELECT ${columns} FROM ${staging}
ON CONFLICT (shop_domain, id) DO UPDATE SET ${updates}
