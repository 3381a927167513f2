INSERT INTO shopify.data_requests (shop_domain, customer_id, data_request_id, export, created_at) VALUES (?, ?, ?, ?, ?)
