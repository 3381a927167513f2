-- The shop answers again: INSTALLED, so import and polling carry on from sync_state. Never an AUTH_FAILED or
-- UNINSTALLED shop: only an operator (accounts add) brings those back.
UPDATE shopify.shops SET status = 'INSTALLED', status_reason = NULL, updated_at = :#now, status_since = :#now,
       next_check_at = NULL
WHERE shop_domain = :#shop AND status IN ('FROZEN', 'LOCKED', 'PAUSED')
