-- The child rows of a delete webhook's objects (batch: one row per object, its id) go with them: a deleted order's
-- line items, a deleted product's variants. The child table and its parent column are catalog names that the route
-- fills in through Simple before camel-sql reads the statement; shop and deletedAt are headers.
UPDATE shopify.${exchangeProperty.childTable} SET deleted_at = :#deletedAt
WHERE shop_domain = :#shop AND ${exchangeProperty.parentColumn} = :#id AND deleted_at IS NULL
