-- A shop no longer registered (removed or redacted while a delivery was in flight): nothing of it may stay behind.
DELETE FROM shopify.webhook_inbox WHERE shop_domain = :#${exchangeProperty.shop}
