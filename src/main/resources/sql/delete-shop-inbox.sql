DELETE FROM shopify.webhook_inbox WHERE shop_domain = ?
