-- A failed delivery waits before its next attempt (exponential backoff with jitter) instead of being claimed again at
-- once; NULL means due now (new deliveries and replays).
ALTER TABLE shopify.webhook_inbox ADD COLUMN next_attempt_at TIMESTAMP WITH TIME ZONE;
