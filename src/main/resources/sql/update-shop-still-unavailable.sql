-- A re-check the shop did not pass: its status (it may have moved, say from FROZEN to LOCKED, or to AUTH_FAILED) and
-- the next check (NULL when only an operator can end the new status); status_since moves only with the status.
UPDATE shopify.shops SET status_since = CASE WHEN status = :#status THEN status_since ELSE :#now END,
       status = :#status, status_reason = :#reason, updated_at = :#now, next_check_at = :#nextCheck
WHERE shop_domain = :#shop AND status IN ('FROZEN', 'LOCKED', 'PAUSED')
