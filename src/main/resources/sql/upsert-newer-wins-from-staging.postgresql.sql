-- The staged rows of one bulk batch (one per id), set-based, unless the stored one is newer (or equally new and
-- tombstoned): the same rule as upsert-newer-wins, one statement per table instead of one per row.
INSERT INTO shopify.${table} AS t (${columns})
SELECT ${columns} FROM ${staging}
ON CONFLICT (shop_domain, id) DO UPDATE SET ${updates}
WHERE t.updated_at < EXCLUDED.updated_at OR (t.updated_at = EXCLUDED.updated_at AND t.deleted_at IS NULL)
