-- A delivery that will not succeed (poison, or out of attempts), pointing at its inbox row so replay can put it back.
INSERT INTO shopify.dead_letters (shop_domain, source, resource, reason, payload, created_at, inbox_id)
VALUES (:#${exchangeProperty.shop}, 'webhook-process', :#resource, :#reason, :#payload, :#${exchangeProperty.now}, :#id)
