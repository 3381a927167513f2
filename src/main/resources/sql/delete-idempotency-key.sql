DELETE FROM shopify.camel_messageprocessed WHERE processorname = ? AND messageid = ?
