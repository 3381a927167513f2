-- idempotency keys are "<shop>/<event id>"
DELETE FROM shopify.camel_messageprocessed WHERE processorname = 'webhook-intake' AND messageid LIKE ?
