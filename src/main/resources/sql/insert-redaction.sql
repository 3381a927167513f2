INSERT INTO shopify.redactions (shop_domain, source, rows_deleted, redacted_at) VALUES (?, ?, ?, ?)
