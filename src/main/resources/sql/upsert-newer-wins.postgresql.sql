-- Writes a row unless the stored one is newer (or equally new and tombstoned): stale data never wins.
INSERT INTO shopify.${table} AS t (${columns})
VALUES (${values})
ON CONFLICT (shop_domain, id) DO UPDATE SET ${updates}
WHERE t.updated_at < EXCLUDED.updated_at OR (t.updated_at = EXCLUDED.updated_at AND t.deleted_at IS NULL)
