-- A delete webhook's objects (batch: one row per object, its id): each row stays as a tombstone, purged after
-- purge.after.days, so a stale retry cannot bring it back. The table is a catalog table that the route fills in
-- through Simple before camel-sql reads the statement (a name cannot be a bound parameter); shop and deletedAt are headers.
UPDATE shopify.${exchangeProperty.table} SET deleted_at = :#deletedAt
WHERE shop_domain = :#shop AND id = :#id AND deleted_at IS NULL
