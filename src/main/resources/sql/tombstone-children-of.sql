-- Before a parent's complete child list is written: children not in it stay tombstoned.
UPDATE shopify.${table} SET deleted_at = ? WHERE shop_domain = ? AND ${parent_column} = ? AND deleted_at IS NULL
