-- A failed delivery goes back to NEW to be retried (after the claim timeout), or is DEAD after too many attempts.
UPDATE shopify.webhook_inbox SET status = ?, last_error = ?, claimed_at = ? WHERE id = ?
