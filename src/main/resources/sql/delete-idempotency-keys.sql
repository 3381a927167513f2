-- the repository's clear: every key of one processor
DELETE FROM shopify.camel_messageprocessed WHERE processorname = ?
