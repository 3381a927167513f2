-- Replay: a DEAD delivery goes back to NEW with no attempts, so the processor takes it again from scratch.
UPDATE shopify.webhook_inbox
SET status = 'NEW', attempts = 0, claimed_at = NULL, processed_at = NULL, last_error = NULL
WHERE id = ? AND status = 'DEAD'
