-- How many roots of a page its newer-wins upsert wrote (routes/writes.yaml): a row it refused keeps its older
-- synced_at, so it is not counted in rows_upserted_total. ${table} is a catalog table, set with the statement.
SELECT COUNT(*) FROM shopify.${table} WHERE shop_domain = :#shop AND synced_at = :#writtenAt AND id IN (:#in:ids)
