-- Writes a child row (line item, variant, ...); children are written with their parent, which is newer-wins.
INSERT INTO shopify.${table} AS t (${columns})
VALUES (${values})
ON CONFLICT (shop_domain, id) DO UPDATE SET ${updates}
