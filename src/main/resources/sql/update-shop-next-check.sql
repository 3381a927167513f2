-- A re-check that got no answer (network, 5xx): the shop keeps its status and reason, and is asked again later.
UPDATE shopify.shops SET next_check_at = :#nextCheck WHERE shop_domain = :#shop AND status IN ('FROZEN', 'LOCKED', 'PAUSED')
