-- A failed delivery goes back to NEW, due again at next_attempt_at (its backoff), or is DEAD after too many attempts.
UPDATE shopify.webhook_inbox SET status = :#status, last_error = :#reason, claimed_at = NULL, claimed_by = NULL,
       next_attempt_at = :#nextAttemptAt
WHERE id = :#id
