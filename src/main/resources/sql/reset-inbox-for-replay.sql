-- Replay: a DEAD delivery goes back to NEW with no attempts and no backoff, so the processor takes it again at once.
UPDATE shopify.webhook_inbox
SET status = 'NEW', attempts = 0, claimed_at = NULL, processed_at = NULL, last_error = NULL, next_attempt_at = NULL
WHERE id = ? AND status = 'DEAD'
