-- Writes a child row (line item, variant, ...); children are written with their parent, which is newer-wins.
MERGE INTO shopify.${table} t
USING (VALUES (${typed_values})) AS s(${columns})
ON t.shop_domain = s.shop_domain AND t.id = s.id
WHEN MATCHED THEN UPDATE SET ${source_updates}
WHEN NOT MATCHED THEN INSERT (${columns}) VALUES (${source_columns})
