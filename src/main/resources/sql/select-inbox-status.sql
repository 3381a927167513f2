SELECT status FROM shopify.webhook_inbox WHERE id = ?
