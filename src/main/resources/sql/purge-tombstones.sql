DELETE FROM shopify.${table} WHERE deleted_at IS NOT NULL AND deleted_at < ?
