SELECT 1 FROM shopify.camel_messageprocessed WHERE 1 = 0
