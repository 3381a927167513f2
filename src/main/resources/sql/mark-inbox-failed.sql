-- A failed delivery goes back to NEW, due again at next_attempt_at (its backoff), or is DEAD after too many attempts.
UPDATE shopify.webhook_inbox SET status = ?, last_error = ?, claimed_at = NULL, next_attempt_at = ? WHERE id = ?
