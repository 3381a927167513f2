-- A resumed shop: the recorded errors and backoffs were the outage's; import and polling resume at once.
UPDATE shopify.sync_state SET last_error = NULL, attempts = 0, next_attempt_at = NULL, updated_at = :#now
WHERE shop_domain = :#shop
