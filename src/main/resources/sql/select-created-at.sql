SELECT ${createdColumn} FROM shopify.${table} WHERE shop_domain = ? AND id = ?
