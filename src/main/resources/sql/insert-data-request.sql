-- customers/data_request: the export of what we hold about one customer, for the merchant to hand over.
INSERT INTO shopify.data_requests (shop_domain, customer_id, data_request_id, export, created_at)
VALUES (:#${exchangeProperty.shop}, :#customerId, :#dataRequestId, :#export, :#${exchangeProperty.now})
