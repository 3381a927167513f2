-- Writes a row unless the stored one is newer (or equally new and tombstoned): stale data never wins.
MERGE INTO shopify.${table} t
USING (VALUES (${typed_values})) AS s(${columns})
ON t.shop_domain = s.shop_domain AND t.id = s.id
WHEN MATCHED AND (t.updated_at < s.updated_at OR (t.updated_at = s.updated_at AND t.deleted_at IS NULL))
    THEN UPDATE SET ${source_updates}
WHEN NOT MATCHED THEN INSERT (${columns}) VALUES (${source_columns})
