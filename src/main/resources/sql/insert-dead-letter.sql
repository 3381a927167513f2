-- One dead letter, written only by the dead-letter route (routes/dead-letter.yaml) from its exchange properties;
-- the body is the payload (null when there is none); inboxId is set for a webhook delivery, which can be replayed.
INSERT INTO shopify.dead_letters (shop_domain, source, resource, reason, payload, created_at, inbox_id)
VALUES (:#${exchangeProperty.shop}, :#${exchangeProperty.deadLetterSource}, :#${exchangeProperty.resource},
        :#${exchangeProperty.deadLetterReason}, :#${bodyAs(String)}, CURRENT_TIMESTAMP, :#${exchangeProperty.inboxId})
